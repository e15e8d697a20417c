/** The `datapipe run` processes of a chaos run: started, killed with SIGKILL, restarted, stopped. */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export class Worker {
  readonly name: string;
  readonly #pipeline: string;
  readonly #log: string;
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  #expectExit = false;
  /** Set by stop(): no crash-restart may start a process after that. */
  #retired = false;
  starts = 0;
  /** Exits nobody asked for (a crash): the worker is restarted, as Kubernetes would. */
  readonly crashes: string[] = [];

  constructor(name: string, pipeline: string, log: string) {
    this.name = name;
    this.#pipeline = pipeline;
    this.#log = log;
  }

  start(): void {
    const fd = openSync(this.#log, 'a');
    const child = spawn(process.execPath, [join(root, 'bin/datapipe.js'), 'run', this.#pipeline], {
      cwd: root,
      env: { ...process.env, DATAPIPE_LOG_FORMAT: 'json', NO_COLOR: '1' },
      stdio: ['ignore', fd, fd],
    });
    this.#child = child;
    this.#expectExit = false;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve(code);
        if (!this.#expectExit) {
          this.crashes.push(
            `worker ${this.name} exited by itself (code ${code}, signal ${signal}); see ${this.#log}`,
          );
          setTimeout(() => {
            if (!this.#retired) this.start();
          }, 1000);
        }
      }),
    );
    this.starts++;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** SIGKILL: no flush, no commit, no leaving the group. */
  async kill(): Promise<void> {
    this.#expectExit = true;
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM and wait: flush, commit, leave the group. */
  async stop(): Promise<number | null> {
    this.#retired = true;
    this.#expectExit = true;
    this.#child?.kill('SIGTERM');
    return this.#exited;
  }
}
