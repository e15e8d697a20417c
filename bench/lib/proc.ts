/**
 * Child processes under measurement: started detached in their own process group (so a bench run
 * can always stop exactly what it started), with their memory read from /proc/PID/status.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Memory {
  /** Resident set size now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set size (VmHWM), MiB. */
  readonly peakMiB: number;
}

/** Reads VmRSS and VmHWM of a process; undefined once it has exited. */
export function readMemory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, all threads) a process has used so far, in seconds. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15, in clock ticks (100 per second)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export interface Measured {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Highest VmHWM seen so far (MiB). */
  peakMiB(): number;
  /** CPU seconds used, as of the last sample taken while it ran. */
  cpuSeconds(): number;
  /** RSS samples taken every `sampleMs` (MiB), with their time since start (ms). */
  readonly samples: Array<{ t: number; rssMiB: number }>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Collected standard output (for workers that print a JSON result). */
  stdout(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Process groups started and not yet exited: killed if the bench itself is stopped or crashes. */
const live = new Set<number>();
let reaperInstalled = false;
function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  const reap = () => {
    for (const pid of live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
  };
  process.on('exit', reap);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      reap();
      process.exit(130);
    });
  }
}

export interface MeasureOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** File that receives the child's stderr (its logs), for reading after a failure. */
  readonly logFile: string;
  readonly sampleMs?: number;
}

export function startMeasured(command: string, args: readonly string[], opts: MeasureOptions): Measured {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  installReaper();
  live.add(pid);
  const log = createWriteStream(opts.logFile);
  child.stderr!.pipe(log);
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    out += chunk;
  });
  let peak = 0;
  let cpu = 0;
  const samples: Array<{ t: number; rssMiB: number }> = [];
  const sample = () => {
    const m = readMemory(pid);
    if (!m) return;
    peak = Math.max(peak, m.peakMiB);
    cpu = readCpuSeconds(pid) ?? cpu;
    samples.push({ t: Math.round(performance.now() - started), rssMiB: Math.round(m.rssMiB * 10) / 10 });
  };
  const timer = setInterval(sample, opts.sampleMs ?? 1000);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(pid);
      clearInterval(timer);
      resolve(code);
    });
  });
  return {
    child,
    pid,
    samples,
    exited,
    peakMiB: () => {
      sample();
      return Math.round(peak * 10) / 10;
    },
    cpuSeconds: () => {
      sample();
      return cpu;
    },
    stdout: () => out,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      sample();
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {}
      const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {}
        await exited;
      }
    },
  };
}
