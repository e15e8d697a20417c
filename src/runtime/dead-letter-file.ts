/**
 * The default dead-letter destination when none is configured and no topic is at hand: one JSON line
 * per record, appended to `<stateDir>/dead-letter.jsonl` and fsynced before the write resolves (the
 * engine commits the offset right after). The value is kept byte-exact: as text when it is UTF-8, else
 * base64 (`"encoding": "base64"`).
 */
import { isUtf8 } from 'node:buffer';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FatalError, RetryableError } from '../core/errors.ts';
import type { PipelineRecord, Sink } from '../core/plugin.ts';

export const DEAD_LETTER_FILE_NAME = 'dead-letter.jsonl';

export function deadLetterFileSink(path: string): Sink {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  // Opened at the first dead letter, so that a run without any leaves no empty file behind.
  const opened = async () => {
    if (handle !== undefined) return handle;
    try {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(path, 'a');
      return handle;
    } catch (err) {
      throw new FatalError('DP_DLQ_FILE_OPEN', `cannot open the dead-letter file ${path}`, { cause: err });
    }
  };
  return {
    connect: async () => {},
    write: async (batch) => {
      const file = await opened();
      const text = batch.map(toLine).join('');
      try {
        await file.appendFile(text, 'utf8');
        await file.datasync();
      } catch (err) {
        throw new RetryableError('DP_DLQ_FILE_WRITE', `cannot write the dead-letter file ${path}`, {
          cause: err,
        });
      }
      return undefined;
    },
    close: async () => {
      await handle?.close();
      handle = undefined;
    },
  };
}

function toLine(record: PipelineRecord): string {
  const v = record.value;
  let value: string | null = null;
  let encoding: 'utf8' | 'base64' = 'utf8';
  if (Buffer.isBuffer(v)) {
    if (isUtf8(v)) value = v.toString('utf8');
    else {
      value = v.toString('base64');
      encoding = 'base64';
    }
  } else if (v !== null && v !== undefined) {
    value = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return `${JSON.stringify({ key: record.key, value, encoding, headers: record.headers, timestamp: record.timestamp })}\n`;
}
