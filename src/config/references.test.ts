import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { redactSecrets, resolveReferences, UnresolvedReferenceError } from './references.ts';

it('resolves ${ENV} and ${file:...} and remembers them as secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-ref-'));
  writeFileSync(join(dir, 'pw'), 'file-secret-value\n');
  const out = resolveReferences(
    { a: 'user=${USER_X}', b: ['${file:pw}'], c: 3, d: '${MISSING:-fallback}' },
    { env: { USER_X: 'env-secret-value' }, baseDir: dir },
  );
  assert.deepEqual(out, { a: 'user=env-secret-value', b: ['file-secret-value'], c: 3, d: 'fallback' });
  assert.equal(redactSecrets('x env-secret-value y file-secret-value'), 'x [REDACTED] y [REDACTED]');
});

it('names the path of an unresolved reference', () => {
  assert.throws(
    () => resolveReferences({ sinks: [{ url: '${NOPE_NOT_SET}' }] }, { env: {}, baseDir: '/' }),
    (err: unknown) => err instanceof UnresolvedReferenceError && err.path.join('.') === 'sinks.0.url',
  );
});
