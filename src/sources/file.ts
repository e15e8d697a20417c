/**
 * Reads a JSONL file, one record per line: topic = the file's base name, partition 0, offset = line index.
 * Progress is a checkpoint in the state folder holding the next line AND its byte position, so a rerun
 * seeks straight to where it left off instead of re-scanning the file, and a finished file yields nothing.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { duration } from '../config/units.ts';
import type {
  PluginContext,
  Source,
  SourceContext,
  SourceMessage,
  SourcePlugin,
  SourcePosition,
} from '../core/plugin.ts';
import { CheckpointFile } from './checkpoint.ts';
import { chunkSizeOption, topicOption } from './embedded-options.ts';

const options = z.object({
  path: z.string().min(1).meta({ description: 'The JSONL file, relative to the pipeline file.' }),
  topic: topicOption("the file's base name"),
  keyField: z.string().min(1).optional().meta({
    description: 'A field (dot path) of each JSON line used as the record key, e.g. `orderId`.',
  }),
  timestampField: z.string().min(1).optional().meta({
    description:
      'A field (dot path) holding the record time (epoch milliseconds or an ISO 8601 string); else `timestamp` applies.',
  }),
  timestamp: z
    .enum(['mtime', 'now'])
    .default('mtime')
    .meta({ description: "Record timestamp when there is no `timestampField`: the file's mtime, or now." }),
  follow: z.boolean().default(false).meta({
    description:
      'Keep reading lines appended to the file (like `tail -f`) instead of ending at the end of the file.',
  }),
  pollInterval: duration()
    .default(1000)
    .meta({ description: 'With `follow`: how often to look for new lines at the end of the file.' }),
  chunkSize: chunkSizeOption(500, 'Lines'),
});

type FileSourceOptions = z.output<typeof options>;

interface FileCheckpoint {
  /** The next line to read (0-based). */
  readonly line: number;
  /** The byte position where that line starts. */
  readonly byte: number;
}

/** Byte starts of delivered lines, kept until committed: `starts[i]` is where line `firstLine + i` begins. */
interface DeliveredChunk {
  readonly firstLine: number;
  /** One entry per line, plus the position after the last line. */
  readonly starts: number[];
}

const READ_SIZE = 1024 * 1024;
const NEWLINE = 10;

class FileSource implements Source {
  readonly #opts: FileSourceOptions;
  readonly #file: string;
  readonly #topic: string;
  readonly #checkpoint: CheckpointFile<FileCheckpoint>;
  readonly #delivered: DeliveredChunk[] = [];
  readonly #stopping = new AbortController();
  #committedLine = -1;

  constructor(opts: FileSourceOptions, ctx: PluginContext) {
    this.#opts = opts;
    this.#file = resolve(ctx.baseDir, opts.path);
    this.#topic = opts.topic ?? basename(this.#file, extname(this.#file));
    this.#checkpoint = new CheckpointFile(ctx.stateDir, `file-${this.#topic}`);
  }

  get topic(): string {
    return this.#topic;
  }

  async run(ctx: SourceContext): Promise<void> {
    const signal = AbortSignal.any([ctx.signal, this.#stopping.signal]);
    const handle = await open(this.#file, 'r');
    try {
      const stat = await handle.stat();
      const start = await this.#resumePoint(handle, stat.size, ctx);
      this.#committedLine = start.line;
      const fixedTimestamp = this.#opts.timestamp === 'mtime' ? stat.mtimeMs : undefined;
      let line = start.line;
      let readPos = start.byte;
      let carry: Buffer = Buffer.alloc(0);
      let carryStart = start.byte;
      const buffer = Buffer.allocUnsafe(READ_SIZE);
      let messages: SourceMessage[] = [];
      let starts: number[] = [];
      let chunkFirstLine = line;

      const flush = async (endByte: number): Promise<void> => {
        if (starts.length === 0) return;
        starts.push(endByte);
        this.#delivered.push({ firstLine: chunkFirstLine, starts });
        const batch = messages;
        messages = [];
        starts = [];
        chunkFirstLine = line;
        if (batch.length > 0) await ctx.deliver(batch);
      };
      const addLine = (bytes: Buffer, byteStart: number): void => {
        starts.push(byteStart);
        const text = bytes.at(-1) === 13 ? bytes.subarray(0, -1) : bytes;
        if (text.length > 0 && !isBlank(text)) {
          messages.push(this.#message(Buffer.from(text), line, fixedTimestamp));
        }
        line++;
      };

      while (!signal.aborted) {
        const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, readPos);
        if (bytesRead === 0) {
          if (!this.#opts.follow) {
            if (carry.length > 0) addLine(carry, carryStart);
            await flush(readPos);
            return;
          }
          await flush(carryStart);
          await sleep(this.#opts.pollInterval, undefined, { signal }).catch(() => {});
          continue;
        }
        const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer;
        const dataEnd = carry.length + bytesRead;
        const dataStart = carryStart;
        readPos += bytesRead;
        let from = 0;
        for (
          let nl = data.indexOf(NEWLINE, from);
          nl >= 0 && nl < dataEnd;
          nl = data.indexOf(NEWLINE, from)
        ) {
          addLine(data.subarray(from, nl), dataStart + from);
          from = nl + 1;
          if (messages.length >= this.#opts.chunkSize) await flush(dataStart + from);
        }
        // The buffer is reused by the next read: keep a copy of the unfinished last line.
        carry = Buffer.from(data.subarray(from, dataEnd));
        carryStart = dataStart + from;
        await flush(carryStart);
      }
    } finally {
      await handle.close();
    }
  }

  /** Persists the next line to read and where it starts in the file. */
  async commit(positions: readonly SourcePosition[]): Promise<void> {
    for (const p of positions) {
      if (p.topic !== this.#topic || p.partition !== 0 || p.offset <= this.#committedLine) continue;
      const byte = this.#byteOf(p.offset);
      if (byte === undefined) continue;
      this.#committedLine = p.offset;
      await this.#checkpoint.write({ line: p.offset, byte });
    }
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
  }

  async close(): Promise<void> {}

  /** Where to start: the checkpoint when it still fits the file, else the beginning (nothing is skipped). */
  async #resumePoint(handle: FileHandle, size: number, ctx: PluginContext): Promise<FileCheckpoint> {
    const saved = await this.#checkpoint.read();
    if (!saved || saved.byte === 0) return { line: saved?.line ?? 0, byte: 0 };
    const before = Buffer.alloc(1);
    const { bytesRead } =
      saved.byte <= size ? await handle.read(before, 0, 1, saved.byte - 1) : { bytesRead: 0 };
    if (bytesRead === 1 && before[0] === NEWLINE) return saved;
    if (saved.byte === size) return saved; // the last line had no newline and was read completely
    ctx.logger.warn(
      { file: this.#file, checkpoint: this.#checkpoint.path },
      'the file no longer matches its checkpoint (truncated or replaced): reading it from the start',
    );
    return { line: 0, byte: 0 };
  }

  #byteOf(line: number): number | undefined {
    let found: number | undefined;
    while (this.#delivered.length > 0) {
      const chunk = this.#delivered[0]!;
      const index = line - chunk.firstLine;
      if (index < 0) break;
      if (index < chunk.starts.length) found = chunk.starts[index];
      if (index < chunk.starts.length - 1) break;
      this.#delivered.shift();
    }
    return found;
  }

  #message(value: Buffer, line: number, fixedTimestamp: number | undefined): SourceMessage {
    let key: Buffer | null = null;
    let timestamp = fixedTimestamp ?? Date.now();
    if (this.#opts.keyField !== undefined || this.#opts.timestampField !== undefined) {
      const parsed = parseJson(value);
      if (this.#opts.keyField !== undefined) {
        const k = readField(parsed, this.#opts.keyField);
        if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean')
          key = Buffer.from(String(k));
      }
      if (this.#opts.timestampField !== undefined) {
        timestamp = toEpochMs(readField(parsed, this.#opts.timestampField)) ?? timestamp;
      }
    }
    return { topic: this.#topic, partition: 0, offset: line, key, value, headers: {}, timestamp };
  }
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 32 && b !== 9) return false;
  return true;
}

/** Unparseable lines get no key: the engine's decoder dead-letters them with their provenance. */
function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function readField(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export const fileSource: SourcePlugin<typeof options> = {
  type: 'file',
  description: 'Reads a JSONL file (one record per line) and resumes where it left off.',
  options,
  create: (opts, ctx) => new FileSource(opts, ctx),
};
