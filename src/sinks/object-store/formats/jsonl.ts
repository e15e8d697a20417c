/** JSON Lines, optionally compressed with gzip or zstd (Node's zlib; off the main thread). */
import { promisify } from 'node:util';
import { gzip, zstdCompress } from 'node:zlib';
import type { PipelineRecord } from '../../../core/plugin.ts';
import { envelope, jsonValue, type ObjectFormat, unstorable } from './format.ts';

const gzipAsync = promisify(gzip);
const zstdAsync = promisify(zstdCompress);

export function jsonlFormat(
  fields: 'value' | 'record',
  compression: 'none' | 'gzip' | 'zstd',
): ObjectFormat<string> {
  return {
    extension: compression === 'gzip' ? 'jsonl.gz' : compression === 'zstd' ? 'jsonl.zst' : 'jsonl',
    prepare(record: PipelineRecord): string {
      let line: string | undefined;
      try {
        line = JSON.stringify(fields === 'value' ? jsonValue(record.value) : envelope(record));
      } catch (err) {
        throw unstorable('the record cannot be written as JSON', err);
      }
      if (line === undefined) throw unstorable('the record value has no JSON form');
      return line;
    },
    async encode(lines: string[]): Promise<Uint8Array> {
      const body = Buffer.from(`${lines.join('\n')}\n`);
      if (compression === 'gzip') return gzipAsync(body);
      if (compression === 'zstd') return zstdAsync(body);
      return body;
    },
  };
}
