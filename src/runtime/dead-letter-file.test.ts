import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { PipelineRecord } from '../core/record.ts';
import { deadLetterFileSink } from './dead-letter-file.ts';

it('appends one JSON line per dead letter, keeping the value byte-exact', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'datapipe-dlq-file-')), 'state', 'dead-letter.jsonl');
  const sink = deadLetterFileSink(file);
  await sink.connect();
  assert.equal(existsSync(file), false, 'no file until there is a dead letter');
  const record = (offset: number, value: Buffer | null): PipelineRecord => ({
    position: { topic: 't', partition: 0, offset },
    key: 'k',
    value,
    headers: { 'datapipe.dlq.stage': 'decode' },
    timestamp: 5,
    sizeBytes: 1,
  });
  await sink.write([record(0, Buffer.from('{not json')), record(1, Buffer.from([0xff, 0x00]))]);
  await sink.write([record(2, null)]);
  await sink.close();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.value, l.encoding]),
    [
      ['{not json', 'utf8'],
      [Buffer.from([0xff, 0x00]).toString('base64'), 'base64'],
      [null, 'utf8'],
    ],
  );
  assert.equal(lines[0].headers['datapipe.dlq.stage'], 'decode');
  assert.equal(lines[0].key, 'k');
});
