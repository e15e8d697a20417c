import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineRecord } from '../core/record.ts';
import { type Batch, Batcher } from './batcher.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { message } from './test-fakes.ts';

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
});
