/** Several `datapipe run` processes in one consumer group: the partitions are shared between them. */
import type { Contender, RunInput, Running } from '../lib/contender.ts';
import { groupStable, newAdmin } from '../lib/kafka.ts';
import type { CountFn } from '../lib/progress.ts';
import { prometheusCounter } from '../lib/progress.ts';
import { type DatapipeOptions, metricsUrl, startDatapipe } from './datapipe.ts';
import { watchedRunning } from './watched.ts';

/** Several processes, or one (`processes: 1`) measured the same way, for a fair comparison. */
export function scaleOut(id: string, opts: DatapipeOptions, processes: number): Contender {
  return {
    id,
    description: `${processes} × datapipe run in one consumer group`,
    start: async (input: RunInput): Promise<Running> => {
      const spawnAt = Date.now();
      const procs = Array.from({ length: processes }, (_, i) => startDatapipe(input, opts, id, i));
      const counters = procs.map((_, i) =>
        prometheusCounter(metricsUrl(input, i), 'datapipe_records_out_total'),
      );
      // one process not answering yet counts as 0, not as "no progress at all"
      const count: CountFn = async () => {
        const counts = await Promise.all(counters.map((c) => c().catch(() => 0)));
        return counts.reduce((a, b) => a + b, 0);
      };
      // measured once every process has its partitions: the one rebalance of a start-up is not the rate
      const admin = newAdmin(input.kafka);
      const running = watchedRunning(id, input, procs, count, spawnAt, () =>
        groupStable(admin, input.group, processes),
      );
      const close = async () => {
        await admin.close().catch(() => {});
      };
      return {
        reached: running.reached,
        finish: async (produced) => {
          try {
            return await running.finish(produced);
          } finally {
            await close();
          }
        },
        kill: async () => {
          await running.kill();
          await close();
        },
      };
    },
  };
}
