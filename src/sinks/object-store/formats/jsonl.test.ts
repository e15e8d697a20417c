import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { JsonBytesRecord, type PipelineRecord } from '../../../core/record.ts';
import { bodyBytes } from '../driver.ts';
import { jsonlFormat } from './jsonl.ts';

const position = { topic: 'orders', partition: 1, offset: 42 };

/** A record as the engine hands it when nothing reads values: the bytes as read. */
function kept(text: string | Buffer): JsonBytesRecord {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return new JsonBytesRecord(position, 'k', bytes, { h: 'v' }, 1_700_000_000_000, 0);
}

async function body(records: PipelineRecord[], fields: 'value' | 'record' = 'value'): Promise<Buffer> {
  const format = jsonlFormat(fields, 'none');
  return Buffer.from(bodyBytes(await format.encode(records.map((r) => format.prepare(r)))));
}

describe('JSONL format', () => {
  it('writes unchanged values byte for byte, one per line', async () => {
    // spellings JSON.stringify would change: spaces, a \u escape, 1.0, non-ASCII bytes as they are
    const lines = ['{ "a" : 1.0 }', '"caf\\u00e9"', '{"z":"日本"}'];
    const out = await body(lines.map((l) => kept(l)));
    assert.equal(Buffer.compare(out, Buffer.from(`${lines.join('\n')}\n`)), 0);
  });

  it('re-serialises a value whose bytes hold a line break (pretty-printed JSON), and a changed value', async () => {
    const pretty = kept('{\n  "a": [1,\n 2]\n}');
    const changed = kept('{"a":1}');
    changed.value = { b: 2 };
    const plain: PipelineRecord = {
      position,
      key: null,
      value: { c: 3 },
      headers: {},
      timestamp: 0,
      sizeBytes: 0,
    };
    assert.equal((await body([pretty, changed, plain])).toString('utf8'), '{"a":[1,2]}\n{"b":2}\n{"c":3}\n');
  });

  it('splices the original bytes into the record envelope (fields: record)', async () => {
    const text = '{ "a" : 1.0 }';
    const line = (await body([kept(text)], 'record')).toString('utf8');
    assert.equal(
      line,
      `{"topic":"orders","partition":1,"offset":42,"timestamp":1700000000000,"key":"k","headers":{"h":"v"},"value":${text}}\n`,
    );
    // the same document as the envelope of a parsed record
    const parsed: PipelineRecord = {
      position,
      key: 'k',
      value: { a: 1 },
      headers: { h: 'v' },
      timestamp: 1_700_000_000_000,
      sizeBytes: 0,
    };
    assert.deepEqual(JSON.parse(line), JSON.parse((await body([parsed], 'record')).toString('utf8')));
  });

  it('compresses the same body', async () => {
    const format = jsonlFormat('value', 'gzip');
    const out = await format.encode([format.prepare(kept('{ "a" : 1 }'))]);
    assert.equal(gunzipSync(bodyBytes(out)).toString('utf8'), '{ "a" : 1 }\n');
  });
});
