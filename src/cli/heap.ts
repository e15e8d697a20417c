/**
 * A plain `datapipe run` sizes V8's heap from the pipeline's byte budget (decision 0059). Without a cap,
 * V8 lets the heap grow towards a limit of its own (about 4 GiB here) before collecting hard, so RSS
 * drifts far above what the pipeline holds. The rendered Deployments already set NODE_OPTIONS from the
 * pod's memory limit (src/platform/k8s/pipeline.ts); when neither NODE_OPTIONS nor Node's own flags set
 * `--max-old-space-size`, `run` restarts itself in place (`process.execve`: same process id, same
 * stdio) with the cap below, before anything is opened.
 */

const MiB = 1024 * 1024;
const HEAP_FLAG = '--max-old-space-size';
const SEMI_SPACE_FLAG = '--max-semi-space-size';
/**
 * V8 derives the young generation from the old-space cap (1/128 of it): a 320 MiB cap would give 2.5 MiB
 * semi-spaces, and records that live for one batch would be promoted and collected by full GCs (the
 * profile showed GC going from 14 % to 22 % of the CPU). 16 MiB is V8's own default for large heaps.
 */
const SEMI_SPACE_MIB = 16;

/**
 * Old-space cap for a budget: code and the clients' state (~128 MiB) with room to spare, plus four times
 * the budget: the records in flight, what sinks prepare from them (lines, rows), the decoded values some
 * sinks read, and slack. A cap close to the live heap makes V8 run full collections back to back: at
 * 128 MiB + 3× the budget, GC took 40 % of the CPU of datapipe → fs JSONL; at this one, 20 % (0059).
 */
export function defaultHeapMiB(maxInFlightBytes: number): number {
  return 256 + Math.ceil((4 * maxInFlightBytes) / MiB);
}

/** True when this process was started with a heap cap of its own (flags or NODE_OPTIONS). */
export function hasHeapLimit(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => arg.startsWith(HEAP_FLAG));
}

/** Replaces this process by the same command with the default heap cap, unless one is set; else returns. */
export function restartWithDefaultHeap(maxInFlightBytes: number): void {
  if (hasHeapLimit(process.execArgv, process.env.NODE_OPTIONS)) return;
  if (typeof process.execve !== 'function') return; // not on Windows: run with V8's own limit
  const flags = [`${HEAP_FLAG}=${defaultHeapMiB(maxInFlightBytes)}`, `${SEMI_SPACE_FLAG}=${SEMI_SPACE_MIB}`];
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)],
    process.env,
  );
}
