/**
 * The live views against a real running pipeline (issue 17): `datapipe top` in a real terminal (tmux:
 * keys sent with send-keys, the screen read with capture-pane) and the status page at `/` in headless
 * Chromium. The pipeline generates 400 records/s into two sinks, one of them slowed to 20 ms a batch.
 * DATAPIPE_TOP_CAPTURE=1 also writes docs/top.txt and docs/status-page.png.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { renderedDom, screenshot } from '../support/chromium.ts';
import { datapipeBin, repoRoot } from '../support/datapipe-process.ts';

const run = promisify(execFile);
const capture = process.env['DATAPIPE_TOP_CAPTURE'] === '1';
const dir = mkdtempSync(join(tmpdir(), 'datapipe-top-'));
const log = join(dir, 'run.log');
let pipeline: ReturnType<typeof spawn>;
let port = 0;

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

before(async () => {
  const file = join(dir, 'shop.yaml');
  writeFileSync(
    file,
    `name: shop-orders
source:
  type: generator
  rate: 400
  partitions: 2
transforms:
  - filter: status != "cancelled"
sinks:
  - name: warehouse
    type: 'null'
    delay: 20ms
    batch: { maxRecords: 100, linger: 100ms }
  - name: audit-log
    type: 'null'
    batch: { maxRecords: 50, linger: 50ms }
observability:
  host: 127.0.0.1
  port: 0
`,
  );
  pipeline = spawn(process.execPath, [datapipeBin, 'run', file], {
    env: { ...process.env, DATAPIPE_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', openSync(log, 'w')],
  });
  port = await waitFor('the observability port', () => {
    const m = /"port":(\d+).*serving \/metrics/.exec(readFileSync(log, 'utf8'));
    return m ? Number(m[1]) : undefined;
  });
});

after(async () => {
  pipeline.kill('SIGTERM');
  await new Promise((r) => pipeline.once('exit', r));
});

describe('live views of a running pipeline', () => {
  it('datapipe top shows rates, latency and trends per sink, and quits on q', async () => {
    const session = `datapipe-top-${process.pid}`;
    await run('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '110',
      '-y',
      '24',
      `${process.execPath} ${datapipeBin} top 127.0.0.1:${port}`,
    ]);
    try {
      // Wait until every figure is there: both sinks writing, a latency measured, a trend drawn.
      const screen = await waitFor('top to show both sinks with rates and a trend', async () => {
        const { stdout } = await run('tmux', ['capture-pane', '-p', '-t', session]);
        const warehouse =
          /^\s+warehouse\s+([\d,]+)\s+([▁▂▃▄▅▆▇█ ]+?)\s+([\d.]+) ms\s+(\d+)\s+([\d,]+)$/m.exec(stdout);
        const inRate = /^\s+in ([\d,]+)\/s\s+[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]/m.exec(stdout);
        return warehouse &&
          inRate &&
          Number(inRate[1]?.replace(/,/g, '')) > 0 &&
          /[▂▃▄▅▆▇█]/.test(warehouse[2] ?? '')
          ? stdout
          : undefined;
      });
      assert.match(screen, /^datapipe top: 1 address\(es\), every 1s\. q to quit$/m);
      assert.match(screen, /^PIPELINE shop-orders {2}@ 127\.0\.0\.1:\d+$/m);
      assert.match(screen, /^\s+audit-log\s+[\d,]+\s/m);
      assert.match(screen, /dead-lettered 0/);
      // The slowed sink's latency is at least its 20 ms delay.
      const latency = Number(/^\s+warehouse\s+[\d,]+\s+[▁▂▃▄▅▆▇█ ]+?\s+([\d.]+) ms/m.exec(screen)?.[1]);
      assert.ok(latency >= 20, `warehouse latency ${latency} ms`);
      if (capture) {
        // For the docs: half a minute of trend.
        const full = await waitFor('a longer trend', async () => {
          const { stdout } = await run('tmux', ['capture-pane', '-p', '-t', session]);
          const trend = /^\s+warehouse\s+[\d,]+\s+([▁▂▃▄▅▆▇█ ]+?)\s+[\d.]+ ms/m.exec(stdout)?.[1] ?? '';
          return trend.replace(/ /g, '').length >= 25 ? stdout : undefined;
        });
        writeFileSync(join(repoRoot, 'docs/top.txt'), `${full.trimEnd()}\n`);
      }
      await run('tmux', ['send-keys', '-t', session, 'q']);
      await waitFor('top to quit on q', async () =>
        (await run('tmux', ['has-session', '-t', session]).then(
          () => false,
          () => true,
        ))
          ? true
          : undefined,
      );
    } finally {
      await run('tmux', ['kill-session', '-t', session]).catch(() => {});
    }
  });

  it('the status page at / shows the same figures, drawn in a browser', async () => {
    const url = `http://127.0.0.1:${port}/`;
    const dom = await renderedDom(url, 4000);
    assert.match(dom, /<section class="pipeline" data-pipeline="shop-orders">/);
    const sinks = [...dom.matchAll(/<tr class="sink"><td>([^<]+)<\/td><td>([\d,]+)<\/td><td><svg/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(sinks.sort(), ['audit-log', 'warehouse']);
    const inRate = Number(/id="in">([\d,]+)</.exec(dom)?.[1]?.replace(/,/g, ''));
    assert.ok(inRate > 0, `records in / s on the page: ${inRate}`);
    assert.match(dom, /<polyline points="[\d., ]+"/);
    const status = (await (await fetch(`${url}status.json`)).json()) as Array<{ pipeline: string }>;
    assert.deepEqual(
      status.map((p) => p.pipeline),
      ['shop-orders'],
    );
    if (capture) await screenshot(url, join(repoRoot, 'docs/status-page.png'), 4000);
  });
});
