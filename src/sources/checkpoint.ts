/**
 * A small JSON checkpoint file for the embedded sources (file, generator): written atomically (tmp file,
 * fsync, rename, fsync of the folder) so a crash leaves either the old or the new checkpoint, never half.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export class CheckpointFile<T> {
  readonly path: string;
  /** Writes are serialised: two commits racing on one tmp file would corrupt it. */
  #queue: Promise<void> = Promise.resolve();

  constructor(stateDir: string, name: string) {
    this.path = join(stateDir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.checkpoint.json`);
  }

  /** The stored checkpoint, or undefined when there is none yet. */
  async read(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return JSON.parse(text) as T;
  }

  write(value: T): Promise<void> {
    const next = this.#queue.then(() => this.#write(value));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #write(value: T): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(value)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
    await syncFolder(dir);
  }
}

/** Makes a rename durable: the folder entry must reach the disk too. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a folder; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
