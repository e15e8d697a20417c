import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startHealthServer } from './health-server.ts';
import { PipelineMetrics } from './metrics.ts';

it('serves /healthz, /readyz from the pipeline state and /metrics in Prometheus text format', async () => {
  const metrics = new PipelineMetrics('orders');
  metrics.recordsOut.inc({ pipeline: 'orders', sink: 'db' }, 42);
  let ready = false;
  const server = await startHealthServer(
    metrics.registry,
    { live: () => true, ready: () => ready },
    { host: '127.0.0.1', port: 0 },
  );
  try {
    const base = `http://127.0.0.1:${server.port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 503, 'not ready before the pipeline is connected');
    ready = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const body = await res.text();
    assert.match(body, /^datapipe_records_out_total\{pipeline="orders",sink="db"\} 42$/m);
    assert.match(body, /# TYPE datapipe_batch_write_duration_seconds histogram/);
    const one = await (
      await fetch(`${base}/metrics?name=datapipe_records_out_total&name=no_such_metric`)
    ).text();
    assert.match(one, /^datapipe_records_out_total\{pipeline="orders",sink="db"\} 42$/m);
    assert.doesNotMatch(one, /datapipe_batch_write_duration_seconds/, 'only the metric asked for');
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await server.close();
  }
});
