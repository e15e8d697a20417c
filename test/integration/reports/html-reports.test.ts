/**
 * `datapipe audit --format html` and `datapipe plan --format html` opened in real headless Chromium:
 * no console errors, no request beyond the file itself (the page is self-contained), the charts and
 * tables present with the counts of the JSON report, and a screenshot of each saved as an artifact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { platformTargets } from '../../../src/cli/plugins.ts';
import { openInChromium } from '../../support/chromium.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/datapipe.js');
// Relative to ROOT (the working directory of every command), as a user would type them.
const PLATFORM = 'test/fixtures/audit-eval/aws-terraform';
const PLATFORM_FILE = 'examples/platform/platform.yaml';
const work = mkdtempSync(join(tmpdir(), 'datapipe-html-'));
after(() => rmSync(work, { recursive: true, force: true }));

function datapipe(...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `datapipe ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

describe('HTML reports in headless Chromium', () => {
  const auditJson = join(work, 'audit.json');
  writeFileSync(auditJson, datapipe('audit', PLATFORM, '--to', 'azure', '--format', 'json'));
  const audit = JSON.parse(readFileSync(auditJson, 'utf8')) as {
    findings: { severity: string }[];
    verdict: { budgetDays: number };
  };

  it('audit: renders the charts and every finding, without errors or network', async () => {
    const file = join(work, 'audit.html');
    writeFileSync(file, datapipe('audit', PLATFORM, '--to', 'azure', '--format', 'html'));
    const opened = await openInChromium(file, 'audit-report', async (page) => {
      assert.match(await page.title(), /Portability audit: move to azure/);
      assert.equal(await page.locator('section svg').count(), 2, 'effort and severity charts');
      assert.equal(await page.locator('section svg >> text=/^budget 30 d$/').count(), 1);
      // A bar for every registered target, Scaleway included (the registry, not a list in the report).
      for (const t of platformTargets.names)
        assert.equal(
          await page.locator(`section svg >> text=/^${t}( \\(priced\\))?$/`).count(),
          1,
          `no effort bar for ${t}`,
        );
      // One row per finding of the JSON report, grouped by severity.
      assert.equal(await page.locator('table tbody tr').count(), audit.findings.length);
      const high = audit.findings.filter((f) => f.severity === 'high').length;
      assert.match(
        (await page.locator('h3').first().textContent()) ?? '',
        new RegExp(`high\\s*${high} findings`),
      );
      const box = await page.locator('section svg').first().boundingBox();
      assert.ok(box && box.width > 300 && box.height > 80, `effort chart laid out: ${JSON.stringify(box)}`);
    });
    assert.deepEqual(opened.errors, []);
    assert.deepEqual(opened.requests, [pathToFileURL(file).href]);
  });

  it('plan: renders the steps on a timeline against the budget, without errors or network', async () => {
    const planAs = (format: 'json' | 'html') =>
      datapipe(
        'plan',
        PLATFORM_FILE,
        '--from',
        'aws',
        '--to',
        'azure',
        '--audit',
        auditJson,
        '--format',
        format,
      );
    const plan = JSON.parse(planAs('json')) as { steps: unknown[]; budgetDays: number };
    const file = join(work, 'plan.html');
    writeFileSync(file, planAs('html'));
    const opened = await openInChromium(file, 'plan-report', async (page) => {
      assert.match(await page.title(), /aws to azure/);
      // One bar per step plus the contingency, and one table row per step.
      assert.equal(await page.locator('section svg rect[rx="3"]').count(), plan.steps.length + 1);
      assert.equal(await page.locator('table tbody tr').count(), plan.steps.length);
      assert.equal(await page.locator(`svg >> text=/^budget ${plan.budgetDays} d$/`).count(), 1);
    });
    assert.deepEqual(opened.errors, []);
    assert.deepEqual(opened.requests, [pathToFileURL(file).href]);
  });
});
