import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogAuthorizer, sigv4Headers } from './catalog-auth.ts';

// The AWS Signature Version 4 test suite (aws-sig-v4-test-suite, published by AWS with the SigV4
// documentation; a copy: https://docs.rs/crate/scratchstack-aws-signature/latest/source/src/aws-sig-v4-test-suite/):
// every case signs with these credentials, region and service, at 2015-08-30T12:36:00Z.
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
};

describe('sigv4 catalog requests', () => {
  // The case, its request, and its `.authz` file.
  const cases = [
    ['get-vanilla', 'GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ] as const;
  for (const [name, method, signature] of cases) {
    it(`signs ${name} exactly as the AWS test suite says`, async () => {
      const headers = await sigv4Headers(
        { method, url: new URL('https://example.amazonaws.com/'), headers: {} },
        SUITE.credentials,
        SUITE.region,
        SUITE.service,
        SUITE.date,
      );
      assert.equal(
        headers['authorization'],
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      );
      assert.equal(headers['x-amz-date'], '20150830T123600Z');
      assert.equal(headers['host'], undefined, 'fetch sets Host itself');
    });
  }

  it('signs the body, the query and the headers the request carries, and passes the session token', async () => {
    const request = {
      method: 'POST',
      url: new URL('https://glue.eu-central-1.amazonaws.com/iceberg/v1/config?warehouse=123456789012'),
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    };
    const credentials = { ...SUITE.credentials, sessionToken: 'session' };
    const a = await sigv4Headers(request, credentials, 'eu-central-1', 'glue', SUITE.date);
    const b = await sigv4Headers(
      { ...request, body: '{"a":2}' },
      credentials,
      'eu-central-1',
      'glue',
      SUITE.date,
    );
    assert.match(
      a['authorization']!,
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-central-1\/glue\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, /,
    );
    assert.notEqual(a['authorization'], b['authorization'], 'another body, another signature');
    assert.equal(a['x-amz-security-token'], 'session');
    assert.equal(a['content-type'], undefined, 'headers the request has are not repeated');
  });
});

describe('catalogAuthorizer', () => {
  it('bearer sends the token, none sends nothing', async () => {
    const request = { method: 'GET', url: new URL('http://catalog:8181/v1/config'), headers: {} };
    assert.deepEqual(await catalogAuthorizer({ auth: 'bearer', token: 't0k' })(request), {
      authorization: 'Bearer t0k',
    });
    assert.deepEqual(await catalogAuthorizer({ auth: 'none' })(request), {});
  });

  it('sigv4 without a region is a config error naming signingRegion', () => {
    const saved = { r: process.env['AWS_REGION'], d: process.env['AWS_DEFAULT_REGION'] };
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    try {
      assert.throws(() => catalogAuthorizer({ auth: 'sigv4' }), /signingRegion/);
    } finally {
      if (saved.r !== undefined) process.env['AWS_REGION'] = saved.r;
      if (saved.d !== undefined) process.env['AWS_DEFAULT_REGION'] = saved.d;
    }
  });
});
