/**
 * Which credentials each object-store configuration selects. The identity endpoints of the clouds cannot
 * be reached here, so each is stood in for by a small in-process HTTP server on 127.0.0.1 speaking the
 * documented wire format, reached through the variable the platform itself sets:
 * - EKS IRSA: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, then STS AssumeRoleWithWebIdentity
 *   (docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html);
 * - EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, a GET
 *   with the token file's content as Authorization (docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html);
 * - EC2 instance metadata (IMDSv2: PUT /latest/api/token, then the role's credentials);
 * - GKE Workload Identity: the metadata server (GCE_METADATA_HOST), Metadata-Flavor: Google.
 * The SDKs' own provider chains run unchanged; the tests assert which link answered and with what.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { DefaultAzureCredential, WorkloadIdentityCredential } from '@azure/identity';
import { Storage } from '@google-cloud/storage';
import { FatalError } from '../../../core/errors.ts';
import { checkDriverOptions, objectStoreOptions, objectStoreProblems } from '../options.ts';
import { azureAuth } from './azure-credentials.ts';
import { gcsClientOptions } from './gcs.ts';
import { credentialSourceOf, type S3Credentials, s3Credentials } from './s3-credentials.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const AWS_VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GCE_METADATA_HOST',
  'GCE_METADATA_IP',
  'METADATA_SERVER_DETECTION',
];

let dir: string;
let saved: Record<string, string | undefined>;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'datapipe-creds-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  saved = Object.fromEntries(AWS_VARS.map((v) => [v, process.env[v]]));
  for (const v of AWS_VARS) delete process.env[v];
  // No shared config files of the machine running the tests, and IMDS off unless a test turns it on.
  process.env['AWS_CONFIG_FILE'] = join(dir, 'no-config');
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'no-credentials');
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_REGION'] = 'eu-west-1';
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const opts = (o: Record<string, unknown>) => objectStoreOptions.parse(o);

/** Runs the provider chain the s3 driver would use. */
async function resolveChain(c: S3Credentials): Promise<AwsCredentialIdentity> {
  assert.equal(c.mode, 'default-chain');
  return typeof c.credentials === 'function' ? c.credentials() : c.credentials;
}

describe('s3: credential selection', () => {
  test('keys in the options (secret references) are used as they are', async () => {
    const c = s3Credentials(opts({ driver: 's3', bucket: 'b', accessKeyId: 'AKIAX', secretAccessKey: 's' }));
    assert.equal(c.mode, 'static-keys');
    assert.deepEqual(c.credentials, { accessKeyId: 'AKIAX', secretAccessKey: 's' });
  });

  test('without keys: the default chain; environment keys are its first link', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'envsecret';
    const c = s3Credentials(opts({ driver: 's3', bucket: 'b' }));
    assert.equal(c.mode, 'default-chain');
    assert.ok(typeof c.credentials === 'function');
    const identity = await c.credentials();
    assert.equal(identity.accessKeyId, 'AKIAENV');
    assert.equal(credentialSourceOf(identity), 'environment');
  });

  test('IRSA: the web identity token file is exchanged at STS for the role', async () => {
    const tokenFile = join(dir, 'irsa-token');
    writeFileSync(tokenFile, 'projected-sa-token');
    let seen = '';
    const sts = await serve((_req, body, res) => {
      seen = body;
      res.setHeader('content-type', 'text/xml');
      res.end(
        `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAIRSA</AccessKeyId><SecretAccessKey>irsa-secret</SecretAccessKey><SessionToken>irsa-session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/archive/s</Arn><AssumedRoleId>AROAX:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      );
    });
    try {
      process.env['AWS_WEB_IDENTITY_TOKEN_FILE'] = tokenFile;
      process.env['AWS_ROLE_ARN'] = 'arn:aws:iam::123456789012:role/archive';
      process.env['AWS_ENDPOINT_URL_STS'] = sts.url;
      const c = s3Credentials(opts({ driver: 's3', bucket: 'b', auth: 'workload' }));
      assert.equal(c.mode, 'default-chain');
      const identity = await resolveChain(c);
      assert.equal(identity.accessKeyId, 'ASIAIRSA');
      assert.equal(credentialSourceOf(identity), 'web-identity');
      const form = new URLSearchParams(seen);
      assert.equal(form.get('Action'), 'AssumeRoleWithWebIdentity');
      assert.equal(form.get('WebIdentityToken'), 'projected-sa-token');
      assert.equal(form.get('RoleArn'), 'arn:aws:iam::123456789012:role/archive');
    } finally {
      sts.server.close();
    }
  });

  test('EKS Pod Identity: the container credentials endpoint, with the token file as Authorization', async () => {
    const tokenFile = join(dir, 'pod-identity-token');
    writeFileSync(tokenFile, 'pod-identity-token');
    let authorization: string | undefined;
    const agent = await serve((req, _body, res) => {
      authorization = req.headers.authorization;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          AccessKeyId: 'ASIAPOD',
          SecretAccessKey: 'pod-secret',
          Token: 'pod-session',
          AccountId: '123456789012',
          Expiration: '2099-01-01T00:00:00Z',
        }),
      );
    });
    try {
      process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = `${agent.url}/v1/credentials`;
      process.env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'] = tokenFile;
      const c = s3Credentials(opts({ driver: 's3', bucket: 'b' }));
      const identity = await resolveChain(c);
      assert.equal(identity.accessKeyId, 'ASIAPOD');
      assert.equal(credentialSourceOf(identity), 'container-endpoint');
      assert.equal(authorization, 'pod-identity-token');
    } finally {
      agent.server.close();
    }
  });

  test('nothing else configured: the instance metadata service (IMDSv2) is the last link', async () => {
    const paths: string[] = [];
    const imds = await serve((req, _body, res) => {
      paths.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT') return res.end('imds-session-token');
      if (req.url === '/latest/meta-data/iam/security-credentials/') return res.end('node-role');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          Code: 'Success',
          Type: 'AWS-HMAC',
          AccessKeyId: 'ASIANODE',
          SecretAccessKey: 'node-secret',
          Token: 'node-session',
          Expiration: '2099-01-01T00:00:00Z',
          LastUpdated: '2026-01-01T00:00:00Z',
        }),
      );
    });
    try {
      delete process.env['AWS_EC2_METADATA_DISABLED'];
      process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imds.url;
      const c = s3Credentials(opts({ driver: 's3', bucket: 'b' }));
      const identity = await resolveChain(c);
      assert.equal(identity.accessKeyId, 'ASIANODE');
      // The Node chain's IMDS link leaves no $source mark; the requests show the IMDSv2 exchange.
      assert.deepEqual(paths, [
        'PUT /latest/api/token',
        'GET /latest/meta-data/iam/security-credentials/',
        'GET /latest/meta-data/iam/security-credentials/node-role',
      ]);
    } finally {
      imds.server.close();
    }
  });

  test('auth: workload refuses static keys in the pipeline, naming the field', () => {
    assert.deepEqual(
      objectStoreProblems(
        opts({ driver: 's3', bucket: 'b', auth: 'workload', accessKeyId: 'A', secretAccessKey: 'S' }),
      ),
      [
        { path: ['accessKeyId'], reason: 'static credentials are not allowed with `auth: workload`' },
        { path: ['secretAccessKey'], reason: 'static credentials are not allowed with `auth: workload`' },
      ],
    );
  });
});

describe('azure-blob: credential selection', () => {
  const base = { driver: 'azure-blob', container: 'c', accountUrl: 'https://acct.blob.core.windows.net' };

  test('a connection string, an account key, a SAS token win in that order with auth: auto', () => {
    assert.equal(
      azureAuth(opts({ ...base, connectionString: 'x', accountKey: 'k' })).mode,
      'connection-string',
    );
    assert.equal(azureAuth(opts({ ...base, accountKey: 'k', sasToken: 's' })).mode, 'account-key');
    assert.equal(azureAuth(opts({ ...base, sasToken: 's' })).mode, 'sas');
  });

  test('an account URL alone: AKS Workload Identity when its webhook set the token file, client and tenant', () => {
    const env = {
      AZURE_FEDERATED_TOKEN_FILE: join(dir, 'azure-token'),
      AZURE_CLIENT_ID: 'c',
      AZURE_TENANT_ID: 't',
    };
    const auth = azureAuth(opts(base), env);
    assert.equal(auth.mode, 'workload-identity');
    assert.ok('credential' in auth && auth.credential instanceof WorkloadIdentityCredential);
  });

  test('an account URL alone without the webhook variables: DefaultAzureCredential', () => {
    const auth = azureAuth(opts(base), { AZURE_CLIENT_ID: 'c' });
    assert.equal(auth.mode, 'default-chain');
    assert.ok('credential' in auth && auth.credential instanceof DefaultAzureCredential);
  });

  test('auth: workload refuses a connection string or key in the pipeline', () => {
    for (const extra of [{ connectionString: 'x' }, { accountKey: 'k' }, { sasToken: 's' }]) {
      assert.throws(
        () => checkDriverOptions(opts({ ...base, auth: 'workload', ...extra })),
        (err: unknown) => err instanceof FatalError && err.code === 'DP_OBJECT_STORE_CONFIG',
      );
    }
  });
});

describe('gcs: credential selection', () => {
  test('auth: none against an emulator endpoint sends no credentials', () => {
    const o = gcsClientOptions(
      opts({ driver: 'gcs', bucket: 'b', auth: 'none', endpoint: 'http://127.0.0.1:1/' }),
    );
    assert.equal(o.authMode, 'none');
    assert.equal(o.apiEndpoint, 'http://127.0.0.1:1');
    assert.equal(o.useAuthWithCustomEndpoint, false);
  });

  test('auth: none needs an endpoint, and is refused for the other drivers', () => {
    assert.throws(() => checkDriverOptions(opts({ driver: 'gcs', bucket: 'b', auth: 'none' })), /endpoint/);
    assert.throws(() => checkDriverOptions(opts({ driver: 's3', bucket: 'b', auth: 'none' })), /auth/);
  });

  test('GKE Workload Identity: Application Default Credentials take a token from the metadata server', async () => {
    const seen: string[] = [];
    const metadata = await serve((req, _body, res) => {
      seen.push(`${req.url} flavor=${req.headers['metadata-flavor']}`);
      res.setHeader('Metadata-Flavor', 'Google');
      if (req.url?.includes('/token')) {
        res.setHeader('content-type', 'application/json');
        return res.end(
          JSON.stringify({ access_token: 'gke-wi-token', expires_in: 3600, token_type: 'Bearer' }),
        );
      }
      res.end('ok');
    });
    try {
      process.env['GCE_METADATA_HOST'] = metadata.url.replace('http://', '');
      process.env['METADATA_SERVER_DETECTION'] = 'assume-present';
      const o = gcsClientOptions(opts({ driver: 'gcs', bucket: 'b' }));
      assert.equal(o.authMode, 'application-default');
      const { authMode: _m, ...options } = o;
      const storage = new Storage(options);
      const client = await storage.authClient.getClient();
      assert.equal(client.constructor.name, 'Compute');
      assert.equal((await storage.authClient.getAccessToken()) ?? '', 'gke-wi-token');
      assert.ok(
        seen.some((s) => s.includes('/service-accounts/default/token') && s.endsWith('flavor=Google')),
      );
    } finally {
      metadata.server.close();
    }
  });

  test('workload identity federation elsewhere: an external_account file in GOOGLE_APPLICATION_CREDENTIALS', async () => {
    const tokenFile = join(dir, 'gcp-ksa-token');
    writeFileSync(tokenFile, 'projected-ksa-token');
    let exchanged = new URLSearchParams();
    const sts = await serve((_req, body, res) => {
      exchanged = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: 'federated-token',
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
    });
    try {
      const file = join(dir, 'wif.json');
      writeFileSync(
        file,
        JSON.stringify({
          type: 'external_account',
          audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k8s',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${sts.url}/v1/token`,
          credential_source: { file: tokenFile },
        }),
      );
      process.env['GOOGLE_APPLICATION_CREDENTIALS'] = file;
      const { authMode: _m, ...options } = gcsClientOptions(opts({ driver: 'gcs', bucket: 'b' }));
      const storage = new Storage({ ...options, projectId: 'p' });
      const client = await storage.authClient.getClient();
      assert.equal(client.constructor.name, 'IdentityPoolClient');
      assert.equal(await storage.authClient.getAccessToken(), 'federated-token');
      assert.equal(exchanged.get('subject_token'), 'projected-ksa-token');
    } finally {
      sts.server.close();
    }
  });
});
