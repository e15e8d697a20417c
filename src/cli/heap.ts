/**
 * A plain `datapipe run` sizes V8's heap from the pipeline's byte budget (decisions 0059, 0079). Without flags,
 * V8 sizes its young generation from its own heap limit (about 4 GiB here, so 32 MiB semi-spaces): RSS
 * then sits far above what the pipeline holds. The rendered Deployments already set NODE_OPTIONS from the
 * pod's memory limit (src/platform/k8s/pipeline.ts), not the semi-spaces; for each of the two flags that
 * neither NODE_OPTIONS nor Node's own flags set, `run` restarts itself in place (`process.execve`: same
 * process id, same stdio) with the flag below added, before anything is opened.
 */

const MiB = 1024 * 1024;
const HEAP_FLAG = '--max-old-space-size';
const SEMI_SPACE_FLAG = '--max-semi-space-size';

/**
 * Below 2 GiB of old space V8 lowers its heap growing factor (from 4 towards 1.3) and collects the old
 * generation far more often: measured on datapipe → fs JSONL, a 512 MiB cap cost 20–25 % more CPU than
 * 2 GiB for the same RSS (decision 0059). So the cap is never below that.
 */
const MIN_OLD_SPACE_MIB = 2048;

export interface HeapFlags {
  /** `--max-old-space-size`, MiB. */
  readonly oldSpaceMiB: number;
  /** `--max-semi-space-size`, MiB. */
  readonly semiSpaceMiB: number;
}

/**
 * For a byte budget: an old space of 256 MiB plus four times the budget (code and clients, the records
 * in flight, what sinks prepare from them, the decoded values some sinks read), at least 2 GiB; and
 * semi-spaces of a quarter of the budget, 4–16 MiB: large enough that a batch's records die young, small
 * enough that the young generation (three semi-spaces) does not dominate RSS. The default budget, 64 MiB,
 * gives 2048 and 16. With 8, datapipe → Kafka fell in 11 of 15 runs into a state promoting 2.7 times as
 * much (800 against 300 MB for 200,000 records) at a fifth more CPU; with 16, in none of 12 (decision 0097).
 */
export function defaultHeapFlags(maxInFlightBytes: number): HeapFlags {
  const budgetMiB = maxInFlightBytes / MiB;
  return {
    oldSpaceMiB: Math.max(MIN_OLD_SPACE_MIB, 256 + Math.ceil(4 * budgetMiB)),
    semiSpaceMiB: Math.min(16, Math.max(4, Math.round(budgetMiB / 4))),
  };
}

/**
 * The heap flags this process lacks: each of the two that neither Node's flags nor NODE_OPTIONS set.
 * A rendered Deployment sets the old space from the pod's memory limit (src/platform/k8s/pipeline.ts)
 * and gets only the semi-spaces from here, so a pod sizes its young generation like a plain run.
 */
export function missingHeapFlags(
  maxInFlightBytes: number,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  const has = (flag: string) => given.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  const heap = defaultHeapFlags(maxInFlightBytes);
  return [
    ...(has(HEAP_FLAG) ? [] : [`${HEAP_FLAG}=${heap.oldSpaceMiB}`]),
    ...(has(SEMI_SPACE_FLAG) ? [] : [`${SEMI_SPACE_FLAG}=${heap.semiSpaceMiB}`]),
  ];
}

/** Replaces this process by the same command with the heap flags it lacks, if any; else returns. */
export function restartWithDefaultHeap(maxInFlightBytes: number): void {
  const flags = missingHeapFlags(maxInFlightBytes, process.execArgv, process.env.NODE_OPTIONS);
  if (flags.length === 0) return;
  if (typeof process.execve !== 'function') return; // not on Windows: run with V8's own sizes
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)],
    process.env,
  );
}
