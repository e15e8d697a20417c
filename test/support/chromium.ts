/**
 * Opening a report in real headless Chromium (the Debian package, installed by
 * scripts/ensure-chromium.sh): collects console errors, uncaught exceptions and every request the
 * page makes, and saves a full-page screenshot as a test artifact.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['DATAPIPE_CHROMIUM'] ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR =
  process.env['DATAPIPE_TEST_ARTIFACTS'] ??
  new URL('../../.datapipe/test-artifacts/', import.meta.url).pathname;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenedPage {
  readonly errors: readonly string[];
  readonly requests: readonly string[];
  readonly screenshot: string;
}

/**
 * Opens `file` (an HTML file) at a desktop width, runs `inspect` on the page, saves the screenshot
 * as ARTIFACTS_DIR/`name`.png. Every wait has a deadline.
 */
export async function openInChromium(
  file: string,
  name: string,
  inspect: (page: Page) => Promise<void>,
): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run \`bash scripts/ensure-chromium.sh\` (installs the Debian package)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'datapipe-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 1000 },
    deviceScaleFactor: 1,
    timeout: 60_000,
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 30_000 });
    await inspect(page);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const screenshot = join(ARTIFACTS_DIR, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 30_000 });
    // The first screen as well: what a reader sees on opening it (the one kept in docs/).
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-top.png`), timeout: 30_000 });
    return { errors, requests, screenshot };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
