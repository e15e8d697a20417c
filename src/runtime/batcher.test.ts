import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineRecord } from '../core/record.ts';
import { type Batch, Batcher } from './batcher.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { FakeSink, message } from './test-fakes.ts';

const tracker = new OffsetTracker();
let nextOffset = 0;
function item(sizeBytes = 10): [PipelineRecord, Ticket] {
  const offset = nextOffset++;
  const m = message(0, offset, offset);
  return [
    { position: m, key: null, value: offset, headers: {}, timestamp: 0, sizeBytes },
    tracker.take(m, sizeBytes),
  ];
}

/** The next record of `partition` of the current test's topic (offsets count per partition, from 0). */
const partitionOffsets = new Map<number, number>();
let keyedTopic = 'keyed-0';
function newTopic(): void {
  keyedTopic = `keyed-${Number(keyedTopic.slice(6)) + 1}`;
  partitionOffsets.clear();
}
function itemOf(partition: number): [PipelineRecord, Ticket] {
  const offset = partitionOffsets.get(partition) ?? 0;
  partitionOffsets.set(partition, offset + 1);
  const m = message(partition, offset, offset, keyedTopic);
  return [
    { position: m, key: null, value: offset, headers: {}, timestamp: 0, sizeBytes: 10 },
    tracker.take(m, 10),
  ];
}

/**
 * A writer whose writes end when the test resolves their gate: a FakeSink (which counts the writes in
 * flight and the partitions they share) that also records what each batch held, as it started and ended.
 */
function keyedRecorder() {
  const batches: string[][] = [];
  const started: string[][] = [];
  const gates: Array<PromiseWithResolvers<void>> = [];
  const label = (records: readonly PipelineRecord[]) =>
    records.map((r) => `${r.position.partition}:${r.position.offset}`);
  const sink = new FakeSink(async (records) => {
    started.push(label(records));
    const gate = Promise.withResolvers<void>();
    gates.push(gate);
    await gate.promise;
    batches.push(label(records));
  });
  return {
    batches,
    started,
    gates,
    write: async (batch: Batch) => {
      await sink.write(batch.records);
    },
    /** The most batches written at once. */
    maxInFlight: () => sink.maxConcurrent,
    samePartitionAtOnce: () => sink.samePartitionAtOnce,
  };
}

/** A batcher of `concurrency` over a fresh topic, writing through a keyedRecorder. */
function keyedBatcher(maxRecords: number, concurrency: number) {
  newTopic();
  const r = keyedRecorder();
  const limits = { maxRecords, maxBytes: 1e9, linger: 3_600_000, concurrency };
  return { r, batcher: new Batcher(limits, r.write, unexpected) };
}

function recorder() {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gates: Array<PromiseWithResolvers<void>> = [];
  const write = async (batch: Batch) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const gate = Promise.withResolvers<void>();
    gates.push(gate);
    await gate.promise;
    batches.push(batch.records.map((r) => r.position.offset));
    inFlight--;
  };
  return { batches, gates, write, maxInFlight: () => maxInFlight };
}

const unexpected = (err: unknown) => assert.fail(String(err));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('seals a batch at maxRecords and writes one batch at a time while the next fills', async () => {
    const r = recorder();
    const batcher = new Batcher({ maxRecords: 2, maxBytes: 1e9, linger: 3_600_000 }, r.write, unexpected);
    const first = nextOffset;
    for (let i = 0; i < 5; i++) batcher.add(...item());
    assert.equal(r.gates.length, 1, 'only the first batch is being written');
    r.gates[0]?.resolve();
    await settle();
    assert.equal(r.gates.length, 2);
    r.gates[1]?.resolve();
    await settle();
    assert.equal(r.gates.length, 2, 'the last record lingers');
    batcher.flush();
    r.gates[2]?.resolve();
    await batcher.idle();
    assert.deepEqual(r.batches, [[first, first + 1], [first + 2, first + 3], [first + 4]]);
    assert.equal(r.maxInFlight(), 1);
    batcher.stop();
  });

  it('seals a batch at maxBytes', async () => {
    const r = recorder();
    const batcher = new Batcher({ maxRecords: 1000, maxBytes: 25, linger: 3_600_000 }, r.write, unexpected);
    batcher.add(...item(10));
    batcher.add(...item(10));
    assert.equal(r.gates.length, 0);
    batcher.add(...item(10));
    assert.equal(r.gates.length, 1);
    r.gates[0]?.resolve();
    await batcher.idle();
    assert.equal(r.batches[0]?.length, 3);
    batcher.stop();
  });

  it('writes a lingering batch once linger has passed', async () => {
    const written: number[] = [];
    const batcher = new Batcher(
      { maxRecords: 1000, maxBytes: 1e9, linger: 5 },
      async (b) => {
        written.push(b.records.length);
      },
      unexpected,
    );
    batcher.add(...item());
    batcher.add(...item());
    await batcher.idle();
    assert.deepEqual(written, [2]);
    batcher.stop();
  });

  it('seals at once when eager (drain or shutdown)', async () => {
    const written: number[] = [];
    const batcher = new Batcher(
      { maxRecords: 1000, maxBytes: 1e9, linger: 3_600_000 },
      async (b) => {
        written.push(b.records.length);
      },
      unexpected,
    );
    batcher.setEager(true);
    batcher.add(...item());
    batcher.add(...item());
    await batcher.idle();
    assert.deepEqual(written, [2]);
    batcher.setEager(false);
    batcher.stop();
  });

  it('reports a writer error and stops writing', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const batcher = new Batcher(
      { maxRecords: 1, maxBytes: 1e9, linger: 5 },
      async () => {
        calls++;
        throw new Error('fatal');
      },
      (err) => errors.push(err),
    );
    batcher.add(...item());
    batcher.add(...item());
    await settle();
    assert.equal(calls, 1);
    assert.equal((errors[0] as Error).message, 'fatal');
  });

  it('flushWhenFree seals at once when the writer is free, else right after the write in flight', async () => {
    const r = recorder();
    const batcher = new Batcher({ maxRecords: 1000, maxBytes: 1e9, linger: 3_600_000 }, r.write, unexpected);
    const first = nextOffset;
    batcher.add(...item());
    batcher.flushWhenFree();
    assert.equal(r.gates.length, 1, 'written without waiting for linger');
    batcher.add(...item());
    batcher.add(...item());
    batcher.flushWhenFree();
    assert.equal(r.gates.length, 1, 'one write at a time: the next batch keeps filling');
    batcher.add(...item());
    r.gates[0]?.resolve();
    await settle();
    assert.equal(r.gates.length, 2, 'sealed as soon as the first write ended');
    r.gates[1]?.resolve();
    await batcher.idle();
    assert.deepEqual(r.batches, [[first], [first + 1, first + 2, first + 3]]);
    batcher.stop();
  });

  it('a batch whose linger passes while the write before it is in flight keeps filling until the writer is free', async () => {
    const r = recorder();
    const batcher = new Batcher({ maxRecords: 1000, maxBytes: 1e9, linger: 5 }, r.write, unexpected);
    const first = nextOffset;
    batcher.add(...item());
    batcher.flushWhenFree();
    assert.equal(r.gates.length, 1, 'the first batch is being written');
    batcher.add(...item());
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(r.gates.length, 1, 'linger passed: nothing more is written while the writer is busy');
    batcher.add(...item());
    batcher.add(...item());
    r.gates[0]?.resolve();
    await settle();
    assert.equal(r.gates.length, 2, 'sealed the moment the writer was free');
    r.gates[1]?.resolve();
    await batcher.idle();
    assert.deepEqual(r.batches, [[first], [first + 1, first + 2, first + 3]], 'one batch, not three');
    batcher.stop();
  });

  it("flushWhenFree('budget-full') seals even with flushWhenCaughtUp: false, when the writer is free", async () => {
    const r = recorder();
    const limits = { maxRecords: 1000, maxBytes: 1e9, linger: 3_600_000, flushWhenCaughtUp: false };
    const batcher = new Batcher(limits, r.write, unexpected);
    const first = nextOffset;
    batcher.add(...item());
    batcher.flushWhenFree('budget-full');
    assert.equal(r.gates.length, 1, 'written at once: the writer was free');
    batcher.add(...item());
    batcher.flushWhenFree('budget-full');
    batcher.add(...item());
    assert.equal(r.gates.length, 1, 'the writer is busy: the batch keeps filling');
    r.gates[0]?.resolve();
    await settle();
    assert.equal(r.gates.length, 2, 'sealed as soon as the writer was free');
    r.gates[1]?.resolve();
    await batcher.idle();
    assert.deepEqual(r.batches, [[first], [first + 1, first + 2]]);
    batcher.stop();
  });

  it('flushWhenFree does nothing with flushWhenCaughtUp: false (limits and linger decide)', async () => {
    const r = recorder();
    const limits = { maxRecords: 2, maxBytes: 1e9, linger: 3_600_000, flushWhenCaughtUp: false };
    const batcher = new Batcher(limits, r.write, unexpected);
    batcher.add(...item());
    batcher.flushWhenFree();
    assert.equal(r.gates.length, 0, 'the batch keeps filling');
    batcher.add(...item());
    assert.equal(r.gates.length, 1, 'sealed at maxRecords');
    r.gates[0]?.resolve();
    await batcher.idle();
    batcher.stop();
  });

  describe('with concurrency (batches of one partition each, decision 0096)', { timeout: 10_000 }, () => {
    it('fills one batch per partition and writes up to `concurrency` at once, never two of one partition', async () => {
      const { r, batcher } = keyedBatcher(2, 2);
      // interleaved: p0 p1 p2 p0 p1 p2 ... – each partition's batch seals at its second record
      for (let round = 0; round < 4; round++) for (const p of [0, 1, 2]) batcher.add(...itemOf(p));
      assert.deepEqual(
        r.started,
        [
          ['0:0', '0:1'],
          ['1:0', '1:1'],
        ],
        'two batches in flight, each of one partition, in the order they were sealed',
      );
      r.gates[0]?.resolve();
      await settle();
      // p2's first batch was sealed before p0's second: it goes first
      assert.deepEqual(r.started[2], ['2:0', '2:1']);
      for (let i = 1; i < 6; i++) {
        r.gates[i]?.resolve();
        await settle();
      }
      await batcher.idle();
      const byPartition = (p: number) =>
        r.batches
          .flat()
          .filter((x) => x.startsWith(`${p}:`))
          .map((x) => Number(x.split(':')[1]));
      for (const p of [0, 1, 2])
        assert.deepEqual(byPartition(p), [0, 1, 2, 3], `partition ${p} in order, once`);
      for (const b of r.batches)
        assert.equal(new Set(b.map((x) => x.split(':')[0])).size, 1, 'one partition');
      assert.equal(r.maxInFlight(), 2);
      assert.equal(r.samePartitionAtOnce(), 0);
      batcher.stop();
    });

    it("waits with a partition's next batch until its batch in flight is written", async () => {
      const { r, batcher } = keyedBatcher(1, 4);
      batcher.add(...itemOf(0));
      batcher.add(...itemOf(0));
      batcher.add(...itemOf(1));
      assert.deepEqual(r.started, [['0:0'], ['1:0']], "p0's second batch waits although slots are free");
      r.gates[1]?.resolve();
      await settle();
      assert.equal(r.started.length, 2, 'the end of p1 does not release p0');
      r.gates[0]?.resolve();
      await settle();
      assert.deepEqual(r.started[2], ['0:1']);
      r.gates[2]?.resolve();
      await batcher.idle();
      assert.equal(r.samePartitionAtOnce(), 0);
      batcher.stop();
    });

    it('flushWhenFree seals the batches of free partitions at once; a busy partition keeps gathering', async () => {
      const { r, batcher } = keyedBatcher(1000, 4);
      batcher.add(...itemOf(0));
      batcher.flushWhenFree();
      assert.deepEqual(r.started, [['0:0']]);
      batcher.add(...itemOf(0));
      batcher.add(...itemOf(1));
      batcher.add(...itemOf(0));
      batcher.flushWhenFree();
      assert.deepEqual(r.started, [['0:0'], ['1:0']], 'p1 is written at once; p0 gathers behind its write');
      batcher.add(...itemOf(0));
      r.gates[0]?.resolve();
      await settle();
      assert.deepEqual(r.started[2], ['0:1', '0:2', '0:3'], "sealed as soon as p0's write ended");
      r.gates[1]?.resolve();
      r.gates[2]?.resolve();
      await batcher.idle();
      batcher.stop();
    });

    it('a partition batch whose linger passes while its partition is being written keeps filling', async () => {
      newTopic();
      const r = keyedRecorder();
      const limits = { maxRecords: 1000, maxBytes: 1e9, linger: 5, concurrency: 4 };
      const batcher = new Batcher(limits, r.write, unexpected);
      batcher.add(...itemOf(0));
      batcher.flushWhenFree();
      batcher.add(...itemOf(0));
      batcher.add(...itemOf(1));
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.deepEqual(
        r.started,
        [['0:0'], ['1:0']],
        'p1 lingered out and was written; p0 waits for its write',
      );
      batcher.add(...itemOf(0));
      r.gates[0]?.resolve();
      await settle();
      assert.deepEqual(
        r.started[2],
        ['0:1', '0:2'],
        "sealed when p0's write ended, with what came meanwhile",
      );
      r.gates[1]?.resolve();
      r.gates[2]?.resolve();
      await batcher.idle();
      batcher.stop();
    });

    it('lingers per partition batch, and flush seals every partition', async () => {
      newTopic();
      const written: string[][] = [];
      const limits = { maxRecords: 1000, maxBytes: 1e9, linger: 5, concurrency: 2 };
      const batcher = new Batcher(
        limits,
        async (b) => {
          written.push(b.records.map((x) => `${x.position.partition}:${x.position.offset}`));
        },
        unexpected,
      );
      batcher.add(...itemOf(0));
      batcher.add(...itemOf(1));
      batcher.add(...itemOf(0));
      await batcher.idle();
      assert.deepEqual(written.sort(), [['0:0', '0:1'], ['1:0']]);
      batcher.add(...itemOf(2));
      batcher.add(...itemOf(3));
      batcher.add(...itemOf(4));
      batcher.flush();
      await batcher.idle();
      assert.equal(written.length, 5, 'three partitions, three batches');
      assert.equal(batcher.queuedRecords, 0);
      batcher.stop();
    });

    it('keeps every guarantee under random arrivals, flushes and write completions (seeded)', async () => {
      // a small deterministic generator (mulberry32), so that a failure can be replayed from its seed
      for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        let state = seed;
        const random = () => {
          state = (state + 0x6d2b79f5) | 0;
          let t = Math.imul(state ^ (state >>> 15), 1 | state);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const concurrency = 1 + Math.floor(random() * 4);
        const { r, batcher } = keyedBatcher(1 + Math.floor(random() * 5), concurrency);
        const added = new Map<number, number>();
        for (let step = 0; step < 400; step++) {
          const action = random();
          if (action < 0.6) {
            const p = Math.floor(random() * 5);
            batcher.add(...itemOf(p));
            added.set(p, (added.get(p) ?? 0) + 1);
          } else if (action < 0.7) batcher.flushWhenFree();
          else if (action < 0.75) batcher.flush();
          else {
            // end one write in flight, not necessarily the oldest
            const open = r.gates.filter((g) => !(g as { done?: boolean }).done);
            const gate = open[Math.floor(random() * open.length)] as
              | (PromiseWithResolvers<void> & { done?: boolean })
              | undefined;
            if (gate) {
              gate.done = true;
              gate.resolve();
              await settle();
            }
          }
        }
        batcher.flush();
        // drain: end every write, including those the last ones start
        for (let open = r.gates.filter((g) => !(g as { done?: boolean }).done); open.length > 0; ) {
          for (const gate of open as Array<PromiseWithResolvers<void> & { done?: boolean }>) {
            gate.done = true;
            gate.resolve();
          }
          await settle();
          open = r.gates.filter((g) => !(g as { done?: boolean }).done);
        }
        await batcher.idle();
        const written = r.batches.flat();
        for (const [p, n] of added) {
          const offsets = written.filter((x) => x.startsWith(`${p}:`)).map((x) => Number(x.split(':')[1]));
          assert.deepEqual(
            offsets,
            Array.from({ length: n }, (_, i) => i),
            `seed ${seed}: partition ${p} once, in order`,
          );
        }
        assert.equal(
          written.length,
          [...added.values()].reduce((a, b) => a + b, 0),
          `seed ${seed}`,
        );
        assert.equal(r.samePartitionAtOnce(), 0, `seed ${seed}: never two batches of one partition at once`);
        assert.ok(r.maxInFlight() <= concurrency, `seed ${seed}: at most ${concurrency} at once`);
        if (concurrency > 1) {
          for (const b of r.batches) assert.equal(new Set(b.map((x) => x.split(':')[0])).size, 1);
        }
        assert.equal(batcher.queuedRecords, 0);
        batcher.stop();
      }
    });
  });
});
