/** JSON Lines, optionally compressed with gzip or zstd (Node's zlib; off the main thread). */
import { promisify } from 'node:util';
import { gzip, zstdCompress } from 'node:zlib';
import type { PipelineRecord } from '../../../core/plugin.ts';
import { originalJsonLine } from '../../../core/record.ts';
import { type JsonText, jsonLineChunks, jsonLines, valueJsonLine } from '../../shared/json-text.ts';
import type { ObjectBody } from '../driver.ts';
import { envelope, jsonValue, type ObjectFormat, unstorable } from './format.ts';

const gzipAsync = promisify(gzip);
const zstdAsync = promisify(zstdCompress);

/**
 * A record's line is its value's original bytes when nothing changed it (decision 0057), else
 * `JSON.stringify`. An uncompressed body is chunks, the original bytes among them uncopied (decision
 * 0094); a compressed one is the compressor's output of one buffer holding every line.
 */
export function jsonlFormat(
  fields: 'value' | 'record',
  compression: 'none' | 'gzip' | 'zstd',
): ObjectFormat<JsonText> {
  return {
    extension: compression === 'gzip' ? 'jsonl.gz' : compression === 'zstd' ? 'jsonl.zst' : 'jsonl',
    prepare(record: PipelineRecord): JsonText {
      let line: JsonText | undefined;
      try {
        line = fields === 'value' ? valueJsonLine(record, stringifyValue) : recordLine(record);
      } catch (err) {
        throw unstorable('the record cannot be written as JSON', err);
      }
      if (line === undefined) throw unstorable('the record value has no JSON form');
      return line;
    },
    async encode(lines: JsonText[]): Promise<ObjectBody> {
      if (compression === 'gzip') return gzipAsync(jsonLines(lines));
      if (compression === 'zstd') return zstdAsync(jsonLines(lines));
      return jsonLineChunks(lines);
    },
  };
}

function stringifyValue(value: unknown): string | undefined {
  return JSON.stringify(jsonValue(value));
}

/** The envelope; its `value` comes last, so unchanged original bytes are spliced in after the rest. */
function recordLine(record: PipelineRecord): JsonText | undefined {
  const bytes = originalJsonLine(record);
  if (bytes === undefined) return JSON.stringify(envelope(record));
  const head = JSON.stringify(envelope(record, false)); // `value: undefined` is left out
  return [`${head.slice(0, -1)},"value":`, bytes, '}'];
}
