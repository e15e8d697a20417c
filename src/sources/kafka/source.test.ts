/**
 * Commit failures of the kafka source, with the client's commit replaced (the broker-facing behaviour is
 * covered against the real broker in test/integration/kafka/). A commit the broker rejects because this
 * member is no longer in the group generation can never succeed: it is logged and dropped (the records are
 * read again after the rejoin, a replay) rather than retried forever; any other failure reaches the engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Consumer, MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { pino } from 'pino';
import { RetryableError } from '../../core/errors.ts';
import { kafkaSource } from './index.ts';

function source(lines: string[]) {
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return kafkaSource.create(kafkaSource.options.parse({ brokers: ['127.0.0.1:1'], topics: ['orders'] }), {
    pipelineName: 'p',
    name: 'source',
    logger,
    baseDir: '.',
    stateDir: '.',
  });
}

const positions = [{ topic: 'orders', partition: 2, offset: 41 }];

describe('kafka source commit', () => {
  for (const id of ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS'] as const) {
    it(`a commit rejected with ${id} (a new group generation) is dropped with a warning, not thrown`, async (t) => {
      const commit = t.mock.method(Consumer.prototype, 'commit', async () => {
        // As the client reports it: the broker's error inside an aggregate of the request's errors.
        throw new MultipleErrors('commit failed', [new ProtocolError(id)]);
      });
      const lines: string[] = [];
      const s = await source(lines);
      await s.commit(positions);
      assert.equal(commit.mock.callCount(), 1);
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === 40);
      assert.match(warning?.msg ?? '', /no longer in the group generation; they will be read again/);
      assert.deepEqual(warning?.partitions, ['orders/2']);
      await s.close();
    });
  }

  it('any other commit failure reaches the engine, classified', async (t) => {
    t.mock.method(Consumer.prototype, 'commit', async () => {
      throw new ProtocolError('COORDINATOR_NOT_AVAILABLE');
    });
    const s = await source([]);
    await assert.rejects(s.commit(positions), (err: unknown) => err instanceof RetryableError);
    await s.close();
  });
});
