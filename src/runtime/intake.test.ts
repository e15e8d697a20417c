import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineRecord, SourceMessage } from '../core/record.ts';
import { TransformChain } from '../transforms/chain.ts';
import { ByteBudget } from './byte-budget.ts';
import { createDecoder, messageBytes } from './decode.ts';
import { countPartitions, Intake, type IntakeCounters } from './intake.ts';
import { OffsetTracker, type Ticket } from './offset-tracker.ts';
import { Router } from './router.ts';
import { message } from './test-fakes.ts';

function setup(limit: number) {
  const budget = new ByteBudget(limit);
  const tracker = new OffsetTracker((bytes) => budget.release(bytes));
  const held: Ticket[] = [];
  let blocked = 0;
  const counters: IntakeCounters = { recordsIn: 0, filtered: 0, unrouted: 0 };
  const target = {
    name: 'sink',
    when: undefined,
    add: (_r: PipelineRecord, ticket: Ticket) => {
      tracker.hold(ticket);
      held.push(ticket);
    },
  };
  const intake = new Intake({
    budget,
    tracker,
    decode: createDecoder('json'),
    chain: new TransformChain([]),
    router: new Router([target]),
    deadLetter: () => assert.fail('nothing should be dead-lettered'),
    counters,
    onBlocked: () => {
      blocked++;
    },
    onCaughtUp: () => {},
    onPaused: () => {},
    onFatal: (err) => assert.fail(String(err)),
  });
  return { budget, tracker, intake, held, counters, blocked: () => blocked };
}

describe('Intake backpressure', () => {
  it('takes deliveries while the budget has room, then makes the source wait', async () => {
    const delivery = (o: number): SourceMessage[] => [message(0, o * 2, o), message(0, o * 2 + 1, o)];
    const deliveryBytes = delivery(0).reduce((sum, m) => sum + messageBytes(m), 0);
    const limit = deliveryBytes * 3 - 1;
    const t = setup(limit);
    let resolved = 0;
    const pending: Promise<void>[] = [];
    for (let d = 0; d < 6; d++) {
      pending.push(
        t.intake.deliver(delivery(d)).then(() => {
          resolved++;
        }),
      );
      assert.ok(t.budget.used <= limit + deliveryBytes, `used ${t.budget.used} over budget + one delivery`);
    }
    await Promise.resolve();
    assert.equal(resolved, 3, 'three deliveries fit, the rest wait');
    assert.equal(t.counters.recordsIn, 6);
    assert.ok(t.blocked() > 0, 'a blocked delivery asks for a flush');
    // The sink writes the first delivery: its bytes are released, one waiting delivery gets in.
    for (const ticket of t.held.splice(0, 2)) t.tracker.release(ticket);
    await Promise.resolve();
    assert.equal(resolved, 4);
    assert.ok(t.budget.used <= limit + deliveryBytes);
    while (t.held.length > 0) for (const ticket of t.held.splice(0)) t.tracker.release(ticket);
    await Promise.all(pending);
    for (const ticket of t.held.splice(0)) t.tracker.release(ticket);
    assert.equal(resolved, 6);
    assert.equal(t.budget.used, 0);
    assert.deepEqual(t.tracker.committable(), [{ topic: 't', partition: 0, offset: 12 }]);
  });

  it('lets waiting deliveries return untaken on close', async () => {
    const t = setup(1);
    await t.intake.deliver([message(0, 0, 0)]);
    const waiting = t.intake.deliver([message(0, 1, 1)]);
    t.intake.close();
    await waiting;
    assert.equal(t.counters.recordsIn, 1, 'the refused delivery is read again next run');
  });
});

describe('countPartitions', () => {
  it('counts each topic and partition once, in runs or interleaved', () => {
    const at = (topic: string, partition: number) => message(partition, 0, 0, topic);
    // counted by hand: the partitions named in each delivery
    assert.equal(countPartitions([]), 0);
    assert.equal(countPartitions([at('a', 0), at('a', 0), at('a', 0)]), 1);
    assert.equal(countPartitions([at('a', 0), at('a', 1), at('a', 0), at('a', 1), at('a', 2)]), 3);
    assert.equal(
      countPartitions([at('a', 0), at('b', 0), at('a', 0), at('b', 0)]),
      2,
      'same number, two topics',
    );
    assert.equal(countPartitions([at('a', 1), at('a', 1), at('b', 1), at('a', 2), at('a', 1)]), 3);
  });
});
