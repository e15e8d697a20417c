/**
 * A local folder as an object store: names are relative paths. Each object is written to a temp file in the
 * hidden `.tmp/` folder of the store, fsynced and renamed into place, so a crash never leaves a partial
 * object under a real name; `check()` (run at connect) clears the temp files a crash left behind. A body
 * of chunks is written with one `writev` (libuv writes them all, IOV_MAX at a time): the records'
 * original bytes go from the Kafka client's buffers to the file without a copy in between (decision 0094).
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FatalError, RetryableError } from '../../../core/errors.ts';
import { syncFolder } from '../../../sources/checkpoint.ts';
import { bodyLength, type ObjectBody, type ObjectStoreDriver } from '../driver.ts';

export class FsDriver implements ObjectStoreDriver {
  readonly location: string;
  readonly #root: string;
  /** Same filesystem as the objects, so the rename into place is atomic. */
  readonly #tmp: string;
  /** Folders this driver created (or found) since the last failed put: no mkdir per object for them. */
  readonly #folders = new Set<string>();

  constructor(root: string) {
    this.#root = resolve(root);
    this.#tmp = join(this.#root, '.tmp');
    this.location = `file://${this.#root}`;
  }

  async check(): Promise<void> {
    this.#folders.clear();
    try {
      await rm(this.#tmp, { recursive: true, force: true });
      await mkdir(this.#tmp, { recursive: true });
    } catch (err) {
      throw classify(err, `cannot prepare ${this.#root}`);
    }
  }

  async put(name: string, body: ObjectBody): Promise<void> {
    const file = this.#path(name);
    const dir = dirname(file);
    const tmp = join(this.#tmp, `${randomBytes(8).toString('hex')}.tmp`);
    try {
      await this.#ensureFolder(dir);
      await this.#ensureFolder(this.#tmp);
      const handle = await open(tmp, 'w');
      try {
        const chunks = body instanceof Uint8Array ? [body] : body;
        const { bytesWritten } = await handle.writev(chunks as Uint8Array[]);
        const length = bodyLength(body);
        if (bytesWritten !== length) {
          throw new RetryableError('DP_OBJECT_STORE_IO', `short write: ${bytesWritten} of ${length} bytes`);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
      await syncFolder(dir);
    } catch (err) {
      this.#folders.clear(); // a folder removed behind our back is created again by the retry
      await rm(tmp, { force: true });
      throw classify(err, `cannot write ${file}`);
    }
  }

  async #ensureFolder(dir: string): Promise<void> {
    if (this.#folders.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#folders.add(dir);
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Only the folder part of the prefix needs reading; the rest filters names.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    let entries: Dirent[];
    try {
      entries = await readdir(this.#path(folder), { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw classify(err, `cannot list ${this.#root}`);
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const name = relative(this.#root, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (name.startsWith(prefix) && !name.startsWith('.tmp/')) yield name;
    }
  }

  async get(name: string): Promise<Buffer> {
    return readFile(this.#path(name));
  }

  async delete(name: string): Promise<void> {
    try {
      await rm(this.#path(name), { force: true });
    } catch (err) {
      throw classify(err, `cannot delete ${name}`);
    }
  }

  async close(): Promise<void> {}

  /** Object names never escape the root folder. */
  #path(name: string): string {
    const full = resolve(this.#root, name);
    const rel = relative(this.#root, full);
    if (rel.startsWith('..')) {
      throw new FatalError('DP_OBJECT_STORE_NAME', `object name "${name}" leaves the folder ${this.#root}`);
    }
    return full;
  }
}

function classify(err: unknown, message: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const text = `${message}: ${err instanceof Error ? err.message : String(err)}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') {
    return new FatalError('DP_OBJECT_STORE_AUTH', text, { cause: err, details: { errno: code } });
  }
  if (err instanceof FatalError) return err;
  return new RetryableError('DP_OBJECT_STORE_IO', text, {
    cause: err,
    details: { errno: code ?? 'unknown' },
  });
}
