import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SourceContext, SourceMessage } from '../core/plugin.ts';
import { fakeSourceContext } from '../runtime/test-fakes.ts';
import { fileSource } from './file.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-file-source-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(stateDir: string, onDeliver?: (m: readonly SourceMessage[]) => void) {
  return fakeSourceContext({ baseDir: dir, stateDir, onDeliver });
}

function options(extra: Record<string, unknown> = {}) {
  return fileSource.options.parse({ path: 'events.jsonl', chunkSize: 3, ...extra });
}

async function writeLines(count: number, from = 0): Promise<void> {
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ id: `e${from + i}`, n: from + i }));
  await writeFile(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
}

describe('file source', () => {
  test('delivers every line in order with topic = base name, partition 0, offset = line index', async () => {
    await writeLines(10);
    const { ctx, delivered } = context(join(dir, 'state-a'));
    const source = fileSource.create(options({ keyField: 'id' }), ctx);
    await source.run(ctx);
    assert.equal(delivered.length, 10);
    assert.deepEqual(
      delivered.map((m) => m.offset),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.ok(delivered.every((m) => m.topic === 'events' && m.partition === 0));
    assert.equal(delivered[4]!.key?.toString(), 'e4');
    assert.deepEqual(JSON.parse(delivered[7]!.value!.toString()), { id: 'e7', n: 7 });
  });

  test('delivers in chunks and awaits each delivery (backpressure)', async () => {
    await writeLines(10);
    const sizes: number[] = [];
    let inFlight = 0;
    const { ctx } = context(join(dir, 'state-b'));
    const slow: SourceContext = {
      ...ctx,
      deliver: async (messages) => {
        inFlight++;
        assert.equal(inFlight, 1, 'deliver is never called again before the previous call resolved');
        sizes.push(messages.length);
        await new Promise((r) => setImmediate(r));
        inFlight--;
      },
    };
    await fileSource.create(options(), slow).run(slow);
    assert.deepEqual(sizes, [3, 3, 3, 1]);
  });

  test('resumes from the committed checkpoint, and a finished file yields nothing new', async () => {
    await writeLines(10);
    const stateDir = join(dir, 'state-c');
    const first = context(stateDir);
    const source = fileSource.create(options(), first.ctx);
    await source.run(first.ctx);
    await source.commit([{ topic: 'events', partition: 0, offset: 4 }]);
    const saved = JSON.parse(await readFile(join(stateDir, 'file-events.checkpoint.json'), 'utf8'));
    const bytesBefore = (await readFile(join(dir, 'events.jsonl'), 'utf8'))
      .split('\n')
      .slice(0, 4)
      .reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    assert.deepEqual(saved, { line: 4, byte: bytesBefore });

    const second = context(stateDir);
    const again = fileSource.create(options(), second.ctx);
    await again.run(second.ctx);
    assert.deepEqual(
      second.delivered.map((m) => m.offset),
      [4, 5, 6, 7, 8, 9],
    );
    await again.commit([{ topic: 'events', partition: 0, offset: 10 }]);

    const third = context(stateDir);
    await fileSource.create(options(), third.ctx).run(third.ctx);
    assert.equal(third.delivered.length, 0);
  });

  test('reads lines appended after a finished run, continuing the line numbering', async () => {
    await writeLines(3);
    const stateDir = join(dir, 'state-d');
    const first = context(stateDir);
    const source = fileSource.create(options(), first.ctx);
    await source.run(first.ctx);
    await source.commit([{ topic: 'events', partition: 0, offset: 3 }]);
    await appendFile(join(dir, 'events.jsonl'), `${JSON.stringify({ id: 'e3' })}\n`);
    const second = context(stateDir);
    await fileSource.create(options(), second.ctx).run(second.ctx);
    assert.deepEqual(
      second.delivered.map((m) => [m.offset, JSON.parse(m.value!.toString()).id]),
      [[3, 'e3']],
    );
  });

  test('starts over (skipping nothing) when the file was replaced by a shorter one', async () => {
    await writeLines(10);
    const stateDir = join(dir, 'state-e');
    const first = context(stateDir);
    const source = fileSource.create(options(), first.ctx);
    await source.run(first.ctx);
    await source.commit([{ topic: 'events', partition: 0, offset: 9 }]);
    await writeLines(2, 100);
    const second = context(stateDir);
    await fileSource.create(options(), second.ctx).run(second.ctx);
    assert.deepEqual(
      second.delivered.map((m) => m.offset),
      [0, 1],
    );
  });

  test('skips blank lines but keeps their line numbers; reads a last line without a newline', async () => {
    await writeFile(join(dir, 'blank.jsonl'), '{"a":1}\r\n\n   \n{"a":2}\n{"a":3}');
    const { ctx, delivered } = context(join(dir, 'state-f'));
    await fileSource.create(options({ path: 'blank.jsonl', topic: 'custom' }), ctx).run(ctx);
    assert.deepEqual(
      delivered.map((m) => [m.topic, m.offset, m.value!.toString()]),
      [
        ['custom', 0, '{"a":1}'],
        ['custom', 3, '{"a":2}'],
        ['custom', 4, '{"a":3}'],
      ],
    );
  });

  test('takes the timestamp from a field when configured, else the file mtime', async () => {
    await writeFile(join(dir, 'ts.jsonl'), '{"at":"2026-03-01T10:00:00Z"}\n{"at":1700000000000}\n{"x":1}\n');
    const { ctx, delivered } = context(join(dir, 'state-g'));
    await fileSource.create(options({ path: 'ts.jsonl', timestampField: 'at' }), ctx).run(ctx);
    assert.equal(delivered[0]!.timestamp, Date.parse('2026-03-01T10:00:00Z'));
    assert.equal(delivered[1]!.timestamp, 1700000000000);
    assert.ok(delivered[2]!.timestamp > 1700000000000);
  });

  test('lines longer than the read buffer arrive whole', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    await writeFile(join(dir, 'big.jsonl'), `{"s":"${big}"}\n{"s":"small"}\n`);
    const { ctx, delivered } = context(join(dir, 'state-h'));
    await fileSource.create(options({ path: 'big.jsonl' }), ctx).run(ctx);
    assert.equal(delivered.length, 2);
    assert.equal(JSON.parse(delivered[0]!.value!.toString()).s.length, big.length);
    assert.equal(delivered[1]!.offset, 1);
  });

  test('with follow, picks up appended lines until stopped', async () => {
    await writeLines(2);
    let source: ReturnType<typeof fileSource.create> | undefined;
    const { ctx, delivered } = context(join(dir, 'state-i'), () => {
      if (delivered.length === 2) void appendFile(join(dir, 'events.jsonl'), '{"id":"late"}\n');
      if (delivered.length === 3) void source?.stop();
    });
    source = fileSource.create(options({ follow: true, pollInterval: 10 }), ctx);
    await source.run(ctx);
    assert.deepEqual(
      delivered.map((m) => m.offset),
      [0, 1, 2],
    );
  });
});
