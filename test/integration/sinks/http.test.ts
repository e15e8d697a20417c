/**
 * The http sink against a real HTTP server (test/support/http-receiver.ts): batches arrive, outages and
 * throttling are retried, replays carry the same idempotency key, and a refused record is narrowed down
 * by the engine's bisection while its neighbours land.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataError, FatalError, RetryableError } from '../../../src/core/errors.ts';
import type { PipelineRecord } from '../../../src/core/plugin.ts';
import { Ticket } from '../../../src/runtime/offset-tracker.ts';
import { RetryPolicy, retrying } from '../../../src/runtime/retry.ts';
import { SinkWriter } from '../../../src/runtime/sink-writer.ts';
import { testPluginContext } from '../../../src/runtime/test-fakes.ts';
import { httpSink } from '../../../src/sinks/http/index.ts';
import { runDatapipe } from '../../support/datapipe-process.ts';
import { HttpReceiver } from '../../support/http-receiver.ts';

const ctx = testPluginContext('http', process.cwd());

function records(count: number, start = 0, topic = 'orders'): PipelineRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    position: { topic, partition: 0, offset: start + i },
    key: `k${start + i}`,
    value: { id: start + i, item: `item-${start + i}` },
    headers: {},
    timestamp: 1_700_000_000_000 + i,
    sizeBytes: 64,
  }));
}

function sinkFor(receiver: HttpReceiver, extra: Record<string, unknown> = {}) {
  const options = httpSink.options.parse({ url: receiver.url, timeout: '5s', ...extra });
  return httpSink.create(options, ctx);
}

const quickRetries = new RetryPolicy({ maxAttempts: 0, initialBackoff: 10, maxBackoff: 100 });

describe('http sink', () => {
  const receiver = new HttpReceiver();
  before(async () => {
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  it('POSTs a batch as a JSON array with headers and an idempotency key', async () => {
    const sink = sinkFor(receiver, { headers: { Authorization: 'Bearer secret-token' } });
    await sink.connect();
    const before = receiver.records.length;
    assert.equal(await sink.write(records(5, 0, 'json')), undefined);
    assert.deepEqual(
      receiver.records.slice(before),
      records(5, 0, 'json').map((r) => r.value),
    );
    const request = receiver.requests.at(-1);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.headers.authorization, 'Bearer secret-token');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.match(String(request?.headers['idempotency-key']), /^[0-9a-f]{32}$/);
    await sink.close();
  });

  it('POSTs NDJSON, with whole records when fields is record', async () => {
    const sink = sinkFor(receiver, { format: 'ndjson', fields: 'record' });
    const before = receiver.records.length;
    const batch = records(3, 0, 'ndjson');
    await sink.write(batch);
    const got = receiver.records.slice(before) as Array<{ position: unknown; value: unknown; key: unknown }>;
    assert.deepEqual(
      got.map((r) => [r.position, r.key, r.value]),
      batch.map((r) => [r.position, r.key, r.value]),
    );
    assert.equal(receiver.requests.at(-1)?.headers['content-type'], 'application/x-ndjson');
    assert.equal(receiver.requests.at(-1)?.body.split('\n').length, 4);
  });

  it('a replayed batch carries the same idempotency key and is stored once', async () => {
    const sink = sinkFor(receiver);
    const batch = records(4, 100, 'replay');
    const before = receiver.records.length;
    const dropped = receiver.duplicatesDropped;
    await sink.write(batch);
    await sink.write(records(4, 100, 'replay'));
    const [first, second] = receiver.requests.slice(-2);
    assert.equal(first?.headers['idempotency-key'], second?.headers['idempotency-key']);
    assert.equal(receiver.records.length - before, 4);
    assert.equal(receiver.duplicatesDropped - dropped, 1);
    // A different batch gets a different key.
    await sink.write(records(4, 104, 'replay'));
    assert.notEqual(receiver.requests.at(-1)?.headers['idempotency-key'], second?.headers['idempotency-key']);
  });

  it('503 and 429 are retryable and carry Retry-After (seconds or HTTP date)', async () => {
    const sink = sinkFor(receiver);
    receiver.failNext(1, { status: 503 });
    const e503 = await sink.write(records(1, 0, 'r')).catch((e: unknown) => e);
    assert.ok(e503 instanceof RetryableError);
    assert.equal(e503.retryAfterMs, undefined);

    receiver.failNext(1, { status: 429, retryAfter: '7' });
    const e429 = await sink.write(records(1, 0, 'r')).catch((e: unknown) => e);
    assert.ok(e429 instanceof RetryableError);
    assert.equal(e429.retryAfterMs, 7000);

    const date = new Date(Date.now() + 60_000).toUTCString();
    receiver.failNext(1, { status: 503, retryAfter: date });
    const eDate = await sink.write(records(1, 0, 'r')).catch((e: unknown) => e);
    assert.ok(eDate instanceof RetryableError);
    assert.ok(
      eDate.retryAfterMs !== undefined && eDate.retryAfterMs > 30_000 && eDate.retryAfterMs <= 60_000,
    );

    receiver.failNext(1, { status: 408 });
    assert.ok((await sink.write(records(1, 0, 'r')).catch((e: unknown) => e)) instanceof RetryableError);
  });

  it('401/403 are fatal and other 4xx are a DataError for the batch', async () => {
    const denied = new HttpReceiver();
    await denied.start();
    try {
      const sink = sinkFor(denied);
      denied.rejectContaining('poison');
      const bad = await sink
        .write([{ ...(records(1)[0] as PipelineRecord), value: { poison: true } }])
        .catch((e: unknown) => e);
      assert.ok(bad instanceof DataError);
      assert.equal(bad.code, 'DP_HTTP_REJECTED');
    } finally {
      await denied.stop();
    }
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(403).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as { port: number };
      const sink = httpSink.create(httpSink.options.parse({ url: `http://127.0.0.1:${address.port}/` }), ctx);
      const err = await sink.write(records(1)).catch((e: unknown) => e);
      assert.ok(err instanceof FatalError);
      assert.equal(err.code, 'DP_HTTP_AUTH');
    } finally {
      server.close();
    }
  });

  it('survives the endpoint going away mid-run and coming back: nothing lost', async () => {
    const flaky = new HttpReceiver();
    await flaky.start();
    const sink = sinkFor(flaky, { timeout: '2s' });
    await sink.write(records(10, 0, 'outage'));
    await flaky.stop();
    const down = await sink.write(records(10, 10, 'outage')).catch((e: unknown) => e);
    assert.ok(down instanceof RetryableError, `expected RetryableError, got ${String(down)}`);
    // The engine's retry loop keeps trying; the endpoint comes back on the same port after a few attempts.
    let attempts = 0;
    await retrying(async (attempt) => {
      attempts = attempt;
      if (attempt === 3) await flaky.start();
      return sink.write(records(10, 10, 'outage'));
    }, quickRetries);
    assert.ok(attempts >= 3);
    // It also rides out throttling.
    flaky.failNext(2, { status: 429, retryAfter: '0' });
    await retrying(() => sink.write(records(10, 20, 'outage')), quickRetries);
    assert.deepEqual(
      flaky.records.map((r) => (r as { id: number }).id),
      Array.from({ length: 30 }, (_, i) => i),
    );
    await flaky.stop();
  });

  it('a refused record is dead-lettered by the engine bisecting the batch, its neighbours land', async () => {
    const strict = new HttpReceiver();
    await strict.start();
    strict.rejectContaining('poison');
    const sink = sinkFor(strict);
    const batch = records(8, 0, 'dlq');
    batch[5] = { ...(batch[5] as PipelineRecord), value: { id: 5, item: 'poison' } };
    const failed: number[] = [];
    const written: number[] = [];
    const tickets = batch.map(
      (r) =>
        new Ticket({ ...r.position, key: null, value: null, headers: {}, timestamp: r.timestamp }, 1, null),
    );
    const writer = new SinkWriter({
      name: 'http',
      sink,
      policy: quickRetries,
      logger: ctx.logger,
      signal: new AbortController().signal,
      onWritten: (t, start, end) => {
        for (let i = start; i < end; i++) written.push((t[i] as Ticket).message.offset);
      },
      onFailed: (record) => failed.push(record.position.offset),
    });
    await writer.write({ records: batch, tickets, bytes: batch.length });
    assert.deepEqual(failed, [5]);
    assert.deepEqual(
      written.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 6, 7],
    );
    assert.deepEqual(
      strict.records.map((r) => (r as { id: number }).id).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 6, 7],
    );
    await strict.stop();
  });
});

describe('http sink, end to end through `datapipe run`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datapipe-http-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const pipeline = (name: string, url: string, source: string, extra = '') => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `name: ${name}
source: ${source}
sinks:
  - name: http
    type: http
    url: ${url}
    fields: record
    headers: { Authorization: 'Bearer \${HTTP_TOKEN}' }
${extra}observability: { enabled: false }
stateDir: ${join(dir, `${name}-state`)}
`,
    );
    return file;
  };

  it('a run killed with SIGKILL and run again delivers every record once (replays dropped by key)', {
    timeout: 180_000,
  }, async () => {
    const receiver = await new HttpReceiver().start();
    try {
      // One partition: batches are then re-formed identically on replay, so a replayed batch carries the
      // same idempotency key as the original (with several partitions the interleaving may differ).
      const file = pipeline(
        'http-kill',
        receiver.url,
        '{ type: generator, count: 2000, rate: 500, partitions: 1 }',
        '    batch: { maxRecords: 100, linger: 10s }\n',
      );
      const env = { HTTP_TOKEN: 'token-123' };
      const first = await runDatapipe(file, { env, killWhen: async () => receiver.records.length >= 300 });
      assert.equal(first.signal, 'SIGKILL', `the first run should be killed mid-way:\n${first.output}`);
      assert.ok(receiver.records.length < 2000);
      const second = await runDatapipe(file, { env });
      assert.equal(second.code, 0, second.output);
      const offsets = receiver.records.map((r) => (r as { position: { offset: number } }).position.offset);
      assert.deepEqual(
        offsets.sort((a, b) => a - b),
        Array.from({ length: 2000 }, (_, i) => i),
      );
      assert.ok(receiver.requests.every((r) => r.headers.authorization === 'Bearer token-123'));
    } finally {
      await receiver.stop();
    }
  });

  it('a batch refused with 400 is bisected: only the bad records go to dead letter', {
    timeout: 120_000,
  }, async () => {
    const receiver = await new HttpReceiver().start();
    receiver.rejectContaining('"test":true');
    try {
      const file = pipeline('http-dlq', receiver.url, '{ type: generator, count: 1000 }');
      const result = await runDatapipe(file, { env: { HTTP_TOKEN: 't' } });
      assert.equal(result.code, 0, result.output);
      const dead = readFileSync(join(dir, 'http-dlq-state', 'dead-letter.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { value: string; headers: Record<string, string> });
      assert.ok(dead.length > 0, 'the generator makes about 1.5% test orders');
      assert.ok(dead.every((d) => (JSON.parse(d.value) as { test: boolean }).test === true));
      assert.ok(dead.every((d) => d.headers['datapipe.dlq.error.code'] === 'DP_HTTP_REJECTED'));
      const delivered = receiver.records as Array<{ value: { test: boolean } }>;
      assert.equal(delivered.length, 1000 - dead.length);
      assert.ok(delivered.every((r) => r.value.test === false));
    } finally {
      await receiver.stop();
    }
  });
});
