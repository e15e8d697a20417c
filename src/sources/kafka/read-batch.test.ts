import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readBatch } from './read-batch.ts';

describe('readBatch', () => {
  it('returns what is buffered up to the limit, waits for more, and null at the end', async () => {
    const stream = new Readable({ objectMode: true, read() {} });
    stream.on('readable', () => {});
    const signal = new AbortController().signal;
    for (let i = 0; i < 5; i++) stream.push(i);
    assert.deepEqual(await readBatch<number>(stream, 3, signal), [0, 1, 2]);
    assert.deepEqual(await readBatch<number>(stream, 3, signal), [3, 4]);
    const waiting = readBatch<number>(stream, 3, signal);
    setTimeout(() => stream.push(5), 10);
    assert.deepEqual(await waiting, [5]);
    stream.push(null);
    assert.equal(await readBatch<number>(stream, 3, signal), null);
  });

  it('returns null once aborted, and rethrows a stream error', async () => {
    const stream = new Readable({ objectMode: true, read() {} });
    stream.on('readable', () => {});
    const abort = new AbortController();
    const waiting = readBatch<number>(stream, 3, abort.signal);
    abort.abort();
    assert.equal(await waiting, null);
    const failing = new Readable({ objectMode: true, read() {} });
    failing.on('readable', () => {});
    failing.on('error', () => {});
    const reading = readBatch<number>(failing, 3, new AbortController().signal);
    failing.destroy(new Error('broken'));
    await assert.rejects(reading, /broken/);
  });
});
