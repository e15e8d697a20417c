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

/**
 * Old-space cap for a budget: code and the clients' state (~128 MiB), plus three times the budget: the
 * records in flight, what sinks prepare from them (lines, rows) and the decoded values some sinks read.
 */
export function defaultHeapMiB(maxInFlightBytes: number): number {
  return 128 + Math.ceil((3 * maxInFlightBytes) / MiB);
}

/** True when this process was started with a heap cap of its own (flags or NODE_OPTIONS). */
export function hasHeapLimit(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => arg.startsWith(HEAP_FLAG));
}

/** Replaces this process by the same command with the default heap cap, unless one is set; else returns. */
export function restartWithDefaultHeap(maxInFlightBytes: number): void {
  if (hasHeapLimit(process.execArgv, process.env.NODE_OPTIONS)) return;
  if (typeof process.execve !== 'function') return; // not on Windows: run with V8's own limit
  const flag = `${HEAP_FLAG}=${defaultHeapMiB(maxInFlightBytes)}`;
  process.execve(
    process.execPath,
    [process.execPath, ...process.execArgv, flag, ...process.argv.slice(1)],
    process.env,
  );
}
