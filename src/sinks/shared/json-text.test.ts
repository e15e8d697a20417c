import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinJson, jsonLineChunks, jsonLines } from './json-text.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('joinJson', () => {
  it('joins strings, buffers and pieced documents between open, separator and close', () => {
    const docs = ['{"a":1}', bytes('{"b":"é"}'), ['{"c":', bytes('[1, 2]'), '}']];
    assert.equal(joinJson(docs, '[', ',', ']').toString('utf8'), '[{"a":1},{"b":"é"},{"c":[1, 2]}]');
    // a separator of more than one byte
    assert.equal(joinJson(['1', '2', '3'], '', ', ', '').toString('utf8'), '1, 2, 3');
    assert.equal(joinJson([], '[', ',', ']').toString('utf8'), '[]');
  });

  it('writes JSON Lines: every document followed by a newline, nothing for none', () => {
    assert.equal(jsonLines(['1', bytes('"x"')]).toString('utf8'), '1\n"x"\n');
    assert.equal(jsonLines([]).length, 0);
  });
});

describe('jsonLineChunks', () => {
  it('hands original bytes on as they are and joins the other documents in runs', () => {
    const first = bytes('{"id":1}');
    const second = bytes('{"id":2}');
    const docs = ['{"s":1}', ['{"p":', bytes('true'), '}'], first, second, '{"s":2}'];
    const chunks = jsonLineChunks(docs);
    // worked by hand: the run of the first two documents, each buffer and its newline, the last run
    assert.deepEqual(
      chunks.map((c) => c.toString('utf8')),
      ['{"s":1}\n{"p":true}\n', '{"id":1}', '\n', '{"id":2}', '\n', '{"s":2}\n'],
    );
    assert.equal(chunks[1], first, 'the record bytes themselves, not a copy');
    assert.equal(chunks[3], second);
    assert.equal(Buffer.concat(chunks).toString('utf8'), jsonLines(docs).toString('utf8'));
  });

  it('gives no chunk for no documents, and one run for documents that are all strings', () => {
    assert.deepEqual(jsonLineChunks([]), []);
    assert.deepEqual(
      jsonLineChunks(['1', '2']).map((c) => c.toString('utf8')),
      ['1\n2\n'],
    );
  });
});
