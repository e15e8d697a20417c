import assert from 'node:assert/strict';
import { it } from 'node:test';
import { urlPort } from './url-port.ts';

it("takes the URL's own port, else its scheme's default (URL Standard, special schemes)", () => {
  // https://url.spec.whatwg.org/#special-scheme: ftp 21, http 80, https 443, ws 80, wss 443.
  assert.equal(urlPort(new URL('http://example.com/x')), 80);
  assert.equal(urlPort(new URL('https://example.com/x')), 443);
  assert.equal(urlPort(new URL('wss://example.com')), 443);
  assert.equal(urlPort(new URL('ftp://example.com')), 21);
  assert.equal(urlPort(new URL('https://s3.shop.internal:9000')), 9000);
  assert.equal(urlPort(new URL('http://127.0.0.1:18181/v1')), 18181);
  // The default written out is dropped by the parser: still its port.
  assert.equal(urlPort(new URL('https://example.com:443/')), 443);
});

it('refuses a URL of a scheme with no default port that names none', () => {
  assert.throws(
    () => urlPort(new URL('s3://bucket/key')),
    /^Error: s3:\/\/bucket\/key: no port, and s3 URLs have no default port$/,
  );
  assert.equal(urlPort(new URL('s3://host:9000/bucket')), 9000);
});
