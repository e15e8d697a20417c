/**
 * Kafka Connect, the alternative people would pick: the official connect-runtime from Maven Central
 * (the broker's version), run standalone with the FileStreamSink connector, JVM options as
 * `bin/connect-standalone.sh` ships them. Progress = lines in the sink's output file.
 * Jars go to ~/.cache/datapipe/bench (never into the repo).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Contender, RunInput, Running } from '../lib/contender.ts';
import { startMeasured } from '../lib/proc.ts';
import { lineCounter } from '../lib/progress.ts';
import { watchedRunning } from './watched.ts';

export const KAFKA_VERSION = process.env['DATAPIPE_KAFKA_VERSION'] ?? '4.2.0';
const CACHE = process.env['DATAPIPE_BENCH_CACHE'] ?? join(homedir(), '.cache/datapipe/bench');
export const CONNECT_LIBS = join(CACHE, `connect-${KAFKA_VERSION}`);

/** The JVM options of Kafka's bin/kafka-run-class.sh + connect-standalone.sh defaults. */
const JVM_OPTS = [
  '-Xms256M',
  '-Xmx2G',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

export function javaBin(): string {
  const candidates = [process.env['DATAPIPE_JAVA'], '/usr/lib/jvm/java-17-openjdk-amd64/bin/java'];
  return candidates.find((c) => c && existsSync(c)) ?? 'java';
}

/** Fetches connect-runtime, connect-file and connect-json (and their dependencies) once, with Maven. */
export function installKafkaConnect(extra: readonly string[] = []): string {
  if (existsSync(CONNECT_LIBS)) return CONNECT_LIBS;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, '.fetch-'));
  const deps = [
    `org.apache.kafka:connect-runtime:${KAFKA_VERSION}`,
    `org.apache.kafka:connect-file:${KAFKA_VERSION}`,
    `org.apache.kafka:connect-json:${KAFKA_VERSION}`,
    'org.apache.logging.log4j:log4j-core:2.24.3',
    'org.apache.logging.log4j:log4j-slf4j2-impl:2.24.3',
    'org.slf4j:slf4j-api:2.0.17',
    ...extra,
  ]
    .map((c) => {
      const [g, a, v] = c.split(':');
      return `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
    })
    .join('');
  writeFileSync(
    join(tmp, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>datapipe.bench</groupId><artifactId>fetch</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>${deps}</dependencies></project>`,
  );
  const mvn = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(tmp, 'pom.xml'),
      `-Dmaven.repo.local=${join(CACHE, 'm2')}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${join(tmp, 'libs')}`,
    ],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (mvn.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`maven could not fetch Kafka Connect: ${mvn.stdout}${mvn.stderr}`);
  }
  renameSync(join(tmp, 'libs'), CONNECT_LIBS);
  rmSync(tmp, { recursive: true, force: true });
  return CONNECT_LIBS;
}

export function kafkaConnectFile(): Contender {
  return {
    id: 'kafka-connect-file',
    description: `Kafka Connect ${KAFKA_VERSION} standalone, FileStreamSink (StringConverter)`,
    start: async (input: RunInput): Promise<Running> => {
      const libs = installKafkaConnect();
      const out = join(input.dir, 'connect-out');
      mkdirSync(out, { recursive: true });
      const worker = join(input.dir, 'connect-worker.properties');
      const connector = join(input.dir, 'connect-file-sink.properties');
      const log4j = join(input.dir, 'connect-log4j2.properties');
      writeFileSync(
        worker,
        [
          `bootstrap.servers=${input.kafka.brokers.join(',')}`,
          'key.converter=org.apache.kafka.connect.storage.StringConverter',
          'value.converter=org.apache.kafka.connect.storage.StringConverter',
          `offset.storage.file.filename=${join(input.dir, 'connect.offsets')}`,
          'offset.flush.interval.ms=1000',
          `listeners=http://127.0.0.1:${input.port}`,
          'plugin.discovery=only_scan',
          '',
        ].join('\n'),
      );
      writeFileSync(
        connector,
        [
          `name=${input.group}`,
          'connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector',
          'tasks.max=1',
          `topics=${input.topic}`,
          `file=${join(out, 'sink.txt')}`,
          '',
        ].join('\n'),
      );
      writeFileSync(
        log4j,
        [
          'status = error',
          'appender.out.type = Console',
          'appender.out.name = out',
          'appender.out.target = SYSTEM_ERR',
          'appender.out.layout.type = PatternLayout',
          'appender.out.layout.pattern = [%d] %p %m (%c)%n',
          'rootLogger.level = WARN',
          'rootLogger.appenderRef.out.ref = out',
          '',
        ].join('\n'),
      );
      const spawnAt = Date.now();
      const proc = startMeasured(
        javaBin(),
        [
          ...JVM_OPTS,
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          `${libs}/*`,
          'org.apache.kafka.connect.cli.ConnectStandalone',
          worker,
          connector,
        ],
        { logFile: join(input.dir, 'kafka-connect-file.log'), sampleMs: 250 },
      );
      return watchedRunning('kafka-connect-file', input, proc, lineCounter(out, '.txt'), spawnAt);
    },
  };
}
