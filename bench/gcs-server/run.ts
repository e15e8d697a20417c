/**
 * Compares GCS-API test servers (docs/decisions/0048-gcs-test-server.md): through datapipe's gcs driver,
 * puts OBJECTS objects of ~10 KB (4 at a time), lists them and reads them back, against whatever server
 * answers at GCS_ENDPOINT (default the services' 127.0.0.1:19443). Prints one JSON line.
 *   node bench/gcs-server/run.ts [--objects 1000]
 */
import { randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { parseScriptArgs } from '../../scripts/script-args.ts';
import { GcsDriver } from '../../src/sinks/object-store/drivers/gcs.ts';
import { objectStoreOptions } from '../../src/sinks/object-store/options.ts';

const { values } = parseScriptArgs({
  command: 'node bench/gcs-server/run.ts',
  summary:
    'Puts, lists and reads back objects through the gcs driver against the GCS-API server at GCS_ENDPOINT (default the gcs service); prints one JSON line.',
  options: { objects: { type: 'string', default: '1000', value: 'N', help: 'objects of ~10 KB put' } },
});
const objects = Number(values.objects);
const endpoint = process.env.GCS_ENDPOINT ?? 'http://127.0.0.1:19443';
const bucket = `bench-${Date.now().toString(36)}`;
await new Storage({ apiEndpoint: endpoint, projectId: 'datapipe' }).bucket(bucket).create();
const driver = new GcsDriver(objectStoreOptions.parse({ driver: 'gcs', bucket, endpoint, auth: 'none' }));
const body = randomBytes(10_000);
const names = Array.from({ length: objects }, (_, i) => `bench/${String(i).padStart(10, '0')}.jsonl`);

let t = performance.now();
const queue = [...names];
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (let n = queue.shift(); n; n = queue.shift()) await driver.put(n, body);
  }),
);
const putMs = performance.now() - t;
t = performance.now();
let listed = 0;
for await (const _ of driver.list('bench/')) listed++;
const listMs = performance.now() - t;
t = performance.now();
for (const n of names.slice(0, 200)) await driver.get(n);
const get200Ms = performance.now() - t;
console.log(
  JSON.stringify({
    endpoint,
    objects,
    listed,
    putsPerSecond: Math.round((objects / putMs) * 1000),
    listMs: Math.round(listMs),
    get200Ms: Math.round(get200Ms),
  }),
);
