import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { message } from './test-fakes.ts';

function take(tracker: OffsetTracker, partition: number, offsets: number[]): Ticket[] {
  return offsets.map((o) => tracker.take(message(partition, o, o), 10));
}

describe('OffsetTracker', () => {
  it('commits up to the lowest offset not yet finished', () => {
    const tracker = new OffsetTracker();
    const [t0, t1, t2] = take(tracker, 0, [0, 1, 2]) as [Ticket, Ticket, Ticket];
    assert.deepEqual(tracker.committable(), []);
    tracker.release(t1);
    assert.deepEqual(tracker.committable(), [], 'offset 0 is still open');
    tracker.release(t0);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 2 }]);
    tracker.release(t2);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 3 }]);
    assert.equal(tracker.openTickets, 0);
  });

  it('waits for every owner: two sinks acknowledging out of order', () => {
    const tracker = new OffsetTracker();
    const tickets = take(tracker, 0, [0, 1, 2, 3]);
    for (const t of tickets) {
      tracker.hold(t); // sink a
      tracker.hold(t); // sink b
      tracker.release(t); // routed: the intake's own hold ends
    }
    // Sink b writes 2..3 first, sink a writes 0..1: nothing is fully done yet.
    for (const t of tickets.slice(2)) tracker.release(t);
    for (const t of tickets.slice(0, 2)) tracker.release(t);
    assert.deepEqual(tracker.committable(), []);
    // Sink b catches up on 0..1: 0..1 done (commit 2); 2..3 still wait for sink a.
    for (const t of tickets.slice(0, 2)) tracker.release(t);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 2 }]);
    for (const t of tickets.slice(2)) tracker.release(t);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 4 }]);
  });

  it('keeps partitions independent and accepts gaps in offsets', () => {
    const tracker = new OffsetTracker();
    const a = take(tracker, 0, [10, 13, 20]);
    const b = take(tracker, 1, [5]);
    for (const t of a) tracker.release(t);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 21 }]);
    tracker.release(b[0] as Ticket);
    assert.deepEqual(tracker.committable(), [
      { topic: 't', partition: 0, offset: 21 },
      { topic: 't', partition: 1, offset: 6 },
    ]);
  });

  it('only reports points above the last commit', () => {
    const tracker = new OffsetTracker();
    for (const t of take(tracker, 0, [0, 1])) tracker.release(t);
    tracker.markCommitted(tracker.committable());
    assert.deepEqual(tracker.committable(), []);
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), 2);
    // A rewind (the partition read again from an older offset) never moves the commit backwards.
    for (const t of take(tracker, 0, [1])) tracker.release(t);
    assert.deepEqual(tracker.committable(), []);
    for (const t of take(tracker, 0, [2])) tracker.release(t);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 3 }]);
  });

  it('refuses an offset out of order while earlier ones are open', () => {
    const tracker = new OffsetTracker();
    take(tracker, 0, [5]);
    assert.throws(() => take(tracker, 0, [4]), { code: 'DP_RUNTIME_OFFSET_ORDER' });
  });

  it('releases the bytes of the records a commit point passes', () => {
    const released: number[] = [];
    const tracker = new OffsetTracker((bytes) => released.push(bytes));
    const [t0, t1, t2] = take(tracker, 0, [0, 1, 2]) as [Ticket, Ticket, Ticket];
    tracker.release(t2);
    tracker.release(t1);
    assert.deepEqual(released, []);
    tracker.release(t0);
    assert.deepEqual(released, [30]);
  });

  it('resolves whenIdle for a partition once all its records are finished', async () => {
    const tracker = new OffsetTracker();
    const p0 = take(tracker, 0, [0, 1]);
    const p1 = take(tracker, 1, [0]);
    let idle0 = false;
    let idleAll = false;
    const w0 = tracker.whenIdle([{ topic: 't', partition: 0 }]).then(() => {
      idle0 = true;
    });
    const wAll = tracker.whenIdle().then(() => {
      idleAll = true;
    });
    for (const t of p0) tracker.release(t);
    await w0;
    assert.equal(idle0, true);
    assert.equal(idleAll, false);
    tracker.release(p1[0] as Ticket);
    await wAll;
    assert.equal(idleAll, true);
  });

  it('forgets a drained partition', () => {
    const tracker = new OffsetTracker();
    for (const t of take(tracker, 0, [0])) tracker.release(t);
    tracker.forget([{ topic: 't', partition: 0 }]);
    assert.deepEqual(tracker.committable(), []);
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), undefined);
  });

  it('forgets a partition with records still open: their bytes are released, waiters resolve, late releases do nothing', async () => {
    const released: number[] = [];
    const tracker = new OffsetTracker((bytes) => released.push(bytes));
    const [a0, a1, a2] = take(tracker, 0, [0, 1, 2]) as [Ticket, Ticket, Ticket];
    const [b0] = take(tracker, 1, [0]) as [Ticket];
    tracker.hold(a1); // a sink still owes offset 1
    tracker.release(a0);
    assert.deepEqual(released, [10]);
    assert.equal(tracker.openTickets, 3);
    let idle = false;
    const waiting = tracker.whenIdle([{ topic: 't', partition: 0 }]).then(() => {
      idle = true;
    });
    tracker.forget([{ topic: 't', partition: 0 }]);
    await waiting;
    assert.equal(idle, true, 'a drain waiting on the partition ends');
    assert.deepEqual(released, [10, 20], 'the 2 open records (10 bytes each) leave the byte budget');
    assert.equal(tracker.openTickets, 1, 'only partition 1 is open');
    // The sink finishes offsets 1 and 2 after the partition went to another consumer: nothing moves.
    tracker.release(a1);
    tracker.release(a1);
    tracker.release(a2);
    assert.deepEqual(released, [10, 20]);
    assert.equal(tracker.openTickets, 1);
    assert.equal(tracker.committedOffset({ topic: 't', partition: 0 }), undefined);
    assert.deepEqual(tracker.committable(), []);
    tracker.release(b0);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 1, offset: 1 }]);
  });

  it('handles a long run without rescanning (compaction keeps the queue small)', () => {
    const tracker = new OffsetTracker();
    const stuck = take(tracker, 0, [0])[0] as Ticket;
    const rest = take(
      tracker,
      0,
      Array.from({ length: 5000 }, (_, i) => i + 1),
    );
    for (const t of rest) tracker.release(t);
    assert.deepEqual(tracker.committable(), []);
    tracker.release(stuck);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 5001 }]);
    for (const t of take(
      tracker,
      0,
      Array.from({ length: 3000 }, (_, i) => i + 5001),
    ))
      tracker.release(t);
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: 8001 }]);
    assert.equal(tracker.openTickets, 0);
  });
});
