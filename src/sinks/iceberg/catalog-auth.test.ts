import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogAuthorizer, sigv4Signer } from './catalog-auth.ts';

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
      const sign = sigv4Signer(SUITE.credentials, SUITE.region, SUITE.service);
      const headers = await sign(
        { method, url: new URL('https://example.amazonaws.com/'), headers: {} },
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
    const sign = sigv4Signer(credentials, 'eu-central-1', 'glue');
    const a = await sign(request, SUITE.date);
    const b = await sign({ ...request, body: '{"a":2}' }, SUITE.date);
    assert.match(
      a['authorization']!,
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-central-1\/glue\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, /,
    );
    assert.notEqual(a['authorization'], b['authorization'], 'another body, another signature');
    assert.equal(a['x-amz-security-token'], 'session');
    assert.equal(a['content-type'], undefined, 'headers the request has are not repeated');
  });

  it('one signer asks its credential provider at every request, so refreshed credentials are used', async () => {
    // The provider hands out the suite's key, then a rotated one (as the default chain does when the
    // IRSA / Pod Identity credentials near their expiry): the second request must be signed with it.
    const rotated = { accessKeyId: 'AKIDROTATED', secretAccessKey: 'rotated-secret', sessionToken: 'second' };
    const handedOut = [SUITE.credentials, rotated];
    let asked = 0;
    const sign = sigv4Signer(async () => handedOut[Math.min(asked++, 1)]!, SUITE.region, SUITE.service);
    const request = { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} };
    const first = await sign(request, SUITE.date);
    const second = await sign(request, SUITE.date);
    assert.equal(asked, 2);
    // get-vanilla's signature from the suite: the first request used the first credentials.
    assert.match(
      first['authorization']!,
      /Credential=AKIDEXAMPLE\/.*Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31$/,
    );
    assert.equal(first['x-amz-security-token'], undefined);
    assert.match(
      second['authorization']!,
      /^AWS4-HMAC-SHA256 Credential=AKIDROTATED\/20150830\/us-east-1\/service\/aws4_request, /,
    );
    assert.equal(second['x-amz-security-token'], 'second');
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

  it('sigv4 signs every request with the default chain (here: the environment) and the configured scope', async () => {
    const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
    const saved = names.map((name) => process.env[name]);
    process.env['AWS_ACCESS_KEY_ID'] = SUITE.credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = SUITE.credentials.secretAccessKey;
    delete process.env['AWS_SESSION_TOKEN'];
    try {
      const authorize = catalogAuthorizer({ auth: 'sigv4', signingRegion: 'eu-west-1' });
      const request = {
        method: 'GET',
        url: new URL('https://glue.eu-west-1.amazonaws.com/iceberg/v1/config'),
        headers: {},
      };
      for (let i = 0; i < 2; i++) {
        const headers = await authorize(request);
        assert.match(
          headers['authorization']!,
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/glue\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
        );
      }
    } finally {
      names.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      });
    }
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
