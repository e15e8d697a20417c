/**
 * How datapipe reaches a Kafka cluster: brokers, client id, TLS and SASL. One schema shared by the
 * `kafka` source, the `kafka` sink (and so the dead-letter topic) and `datapipe dlq`, turned into the
 * options of @platformatic/kafka by `clientOptions`. SASL passwords must come from `${ENV}` or
 * `${file:...}` references, so they are known secrets that the logger and error printer redact.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import { z } from 'zod';
import { secretValues } from '../config/references.ts';
import { FatalError } from '../core/errors.ts';
import type { BindingSpec } from '../core/plugin.ts';
import { readRecordsContiguously } from './contiguous-records.ts';

const BROKER = /^[^\s:/]+:\d{1,5}$/;

const tlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional().meta({
      description: 'PEM file of the CA that signed the broker certificates (relative to the pipeline file).',
    }),
    cert: z.string().min(1).optional().meta({ description: 'PEM client certificate file, for mutual TLS.' }),
    key: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM private key file of the client certificate.' }),
    serverName: z.string().min(1).optional().meta({
      description:
        'Host name to verify the broker certificate against (SNI), when it differs from the broker address.',
    }),
    insecureSkipVerify: z.boolean().default(false).meta({
      description: 'Accept any broker certificate. Only for experiments: it defeats the purpose of TLS.',
    }),
  })
  .meta({ description: 'Connect with TLS. An empty object uses the system CAs.' });

const secretReference = z
  .string()
  .min(1)
  .refine((v) => secretValues.has(v), {
    message: `must be a \${ENV_VAR} or \${file:path} reference, never written in the config`,
  });

const saslSchema = z
  .strictObject({
    mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).meta({
      description: 'SASL mechanism. PLAIN sends the password as is: use it only with TLS.',
    }),
    username: z.string().min(1).meta({ description: 'SASL user name.' }),
    password: secretReference.meta({
      description: `SASL password, as a \`\${ENV_VAR}\` or \`\${file:path}\` reference.`,
      secret: true,
    }),
  })
  .meta({ description: 'Authenticate with SASL.' });

export const kafkaConnectionFields = {
  brokers: z
    .array(z.string().regex(BROKER, 'must be host:port'))
    .min(1)
    .meta({ description: 'Bootstrap brokers, as host:port.', examples: [['kafka-0.kafka:9092']] }),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"')
    .optional()
    .meta({
      description: 'Kafka client id, shown in broker logs and quotas; defaults to `datapipe-<pipeline>`.',
    }),
  tls: tlsSchema.optional(),
  sasl: saslSchema.optional(),
};

export const kafkaConnectionSchema = z.strictObject(kafkaConnectionFields);

/** `kafka: <name>` on a Kafka source, sink or dead-letter destination names a cluster (docs/bindings.md). */
export const kafkaBinding: BindingSpec = {
  field: 'kafka',
  type: 'kafka',
  fields: Object.keys(kafkaConnectionFields),
};
export type KafkaConnection = z.output<typeof kafkaConnectionSchema>;

/** The connection part of @platformatic/kafka's client options. */
export type KafkaClientOptions = Pick<
  BaseOptions,
  'clientId' | 'bootstrapBrokers' | 'tls' | 'sasl' | 'connectTimeout' | 'timeout' | 'retries' | 'retryDelay'
>;

/**
 * Builds the client options; reads the TLS files now so that a missing file is a clear FatalError. Every
 * client datapipe makes starts from these options, so this is also where the client is set to parse its
 * fetched records from one buffer per partition (contiguous-records.ts).
 */
export function clientOptions(
  conn: KafkaConnection,
  ctx: { readonly pipelineName: string; readonly baseDir: string },
): KafkaClientOptions {
  readRecordsContiguously();
  const options: KafkaClientOptions = {
    clientId: conn.clientId ?? `datapipe-${ctx.pipelineName}`,
    bootstrapBrokers: [...conn.brokers],
    connectTimeout: 10_000,
    timeout: 30_000,
    retries: 5,
    retryDelay: 500,
  };
  if (conn.tls) {
    const read = (file: string | undefined) =>
      file === undefined ? undefined : readTlsFile(file, ctx.baseDir);
    const ca = read(conn.tls.ca);
    const cert = read(conn.tls.cert);
    const key = read(conn.tls.key);
    options.tls = {
      rejectUnauthorized: !conn.tls.insecureSkipVerify,
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(conn.tls.serverName === undefined ? {} : { servername: conn.tls.serverName }),
    };
  }
  if (conn.sasl) {
    options.sasl = {
      mechanism: conn.sasl.mechanism as SASLMechanismValue,
      username: conn.sasl.username,
      password: conn.sasl.password,
    };
  }
  return options;
}

function readTlsFile(file: string, baseDir: string): Buffer {
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(full);
  } catch (err) {
    throw new FatalError('DP_KAFKA_TLS_FILE', `cannot read TLS file ${full}`, { cause: err });
  }
}
