import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SourceContext, SourceMessage } from '../core/plugin.ts';
import { fakeSourceContext } from '../runtime/test-fakes.ts';
import { generatorSource } from './generator.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'datapipe-generator-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(stateDir: string) {
  return fakeSourceContext({ baseDir: dir, stateDir });
}

const opts = (extra: Record<string, unknown>) => generatorSource.options.parse(extra);
const text = (m: SourceMessage) => `${m.topic}/${m.partition}/${m.offset} ${m.key} ${m.timestamp} ${m.value}`;

describe('generator source', () => {
  test('generates exactly `count` records over the partitions, each partition in offset order', async () => {
    const { ctx, delivered } = context(join(dir, 'a'));
    await generatorSource.create(opts({ count: 1001, partitions: 3, chunkSize: 100 }), ctx).run(ctx);
    assert.equal(delivered.length, 1001);
    for (const p of [0, 1, 2]) {
      const offsets = delivered.filter((m) => m.partition === p).map((m) => m.offset);
      assert.deepEqual(
        offsets,
        offsets.map((_, i) => i),
      );
    }
    const ids = new Set(delivered.map((m) => JSON.parse(m.value!.toString()).orderId));
    assert.equal(ids.size, 1001, 'every order has its own id');
  });

  test('is deterministic: record N is the same on every run, timestamps included', async () => {
    const first = context(join(dir, 'b1'));
    const second = context(join(dir, 'b2'));
    await generatorSource.create(opts({ count: 500, partitions: 2, chunkSize: 7 }), first.ctx).run(first.ctx);
    await generatorSource
      .create(opts({ count: 500, partitions: 2, chunkSize: 64 }), second.ctx)
      .run(second.ctx);
    const sorted = (list: SourceMessage[]) => list.map(text).sort();
    assert.deepEqual(sorted(first.delivered), sorted(second.delivered));
  });

  test('a different seed changes the values but not the ids', async () => {
    const a = context(join(dir, 'c1'));
    const b = context(join(dir, 'c2'));
    await generatorSource.create(opts({ count: 20 }), a.ctx).run(a.ctx);
    await generatorSource.create(opts({ count: 20, seed: 2 }), b.ctx).run(b.ctx);
    assert.deepEqual(
      a.delivered.map((m) => m.key?.toString()),
      b.delivered.map((m) => m.key?.toString()),
    );
    assert.notDeepEqual(
      a.delivered.map((m) => m.value?.toString()),
      b.delivered.map((m) => m.value?.toString()),
    );
  });

  test('order events look like orders', async () => {
    const { ctx, delivered } = context(join(dir, 'd'));
    await generatorSource.create(opts({ count: 2000 }), ctx).run(ctx);
    const orders = delivered.map((m) => JSON.parse(m.value!.toString()));
    const first = orders[0];
    assert.equal(first.orderId, 'ord-00000001');
    assert.equal(first.createdAt, '2026-01-01T00:00:00.000Z');
    assert.equal(delivered[1]!.timestamp - delivered[0]!.timestamp, 1000);
    for (const o of orders) {
      assert.ok(o.items.length >= 1 && o.items.length <= 4);
      assert.ok(
        o.items.every((i: { quantity: number; unitPrice: number }) => i.quantity >= 1 && i.unitPrice > 0),
      );
      assert.equal(typeof o.test, 'boolean');
    }
    const tests = orders.filter((o) => o.test).length;
    assert.ok(tests > 5 && tests < 80, `a few test orders (${tests})`);
  });

  test('resumes each partition from its committed offset', async () => {
    const stateDir = join(dir, 'e');
    const first = context(stateDir);
    const source = generatorSource.create(
      opts({ count: 100, partitions: 2, template: 'sequence' }),
      first.ctx,
    );
    await source.run(first.ctx);
    await source.commit([
      { topic: 'sequence', partition: 0, offset: 40 },
      { topic: 'sequence', partition: 1, offset: 45 },
    ]);
    const second = context(stateDir);
    const again = generatorSource.create(
      opts({ count: 100, partitions: 2, template: 'sequence' }),
      second.ctx,
    );
    await again.run(second.ctx);
    assert.equal(second.delivered.length, 10 + 5);
    assert.deepEqual(
      second.delivered.filter((m) => m.partition === 1).map((m) => m.offset),
      [45, 46, 47, 48, 49],
    );
    const replayed = second.delivered.map(text);
    const original = new Set(first.delivered.map(text));
    assert.ok(
      replayed.every((t) => original.has(t)),
      'replayed records are identical to the first run',
    );
    await again.commit([
      { topic: 'sequence', partition: 0, offset: 50 },
      { topic: 'sequence', partition: 1, offset: 50 },
    ]);
    const third = context(stateDir);
    await generatorSource
      .create(opts({ count: 100, partitions: 2, template: 'sequence' }), third.ctx)
      .run(third.ctx);
    assert.equal(third.delivered.length, 0);
  });

  test('with a rate, delivers small chunks and stops when asked', async () => {
    const { ctx, delivered } = context(join(dir, 'f'));
    const sizes: number[] = [];
    let source: ReturnType<typeof generatorSource.create> | undefined;
    const counting: SourceContext = {
      ...ctx,
      deliver: async (m) => {
        sizes.push(m.length);
        delivered.push(...m);
        if (delivered.length >= 300) await source?.stop();
      },
    };
    source = generatorSource.create(opts({ rate: 2000 }), counting);
    await source.run(counting);
    assert.ok(
      sizes.every((s) => s === 100),
      'rate / 20 records per delivery',
    );
    assert.equal(delivered.length, 300);
  });
});
