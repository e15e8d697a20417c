/**
 * Headless Chromium (the Debian package, installed by scripts/test-tools.sh) for tests that look at a
 * page as a person would. A fresh profile each time, no network but the page's own address, every
 * background service off (FLAGS). Two ways in, for two needs:
 * - `renderedDom` / `screenshot`: the command line (`--dump-dom`, `--screenshot`) after a virtual-time
 *   budget, for pages whose own scripts must run a while (the status page);
 * - `openInChromium`: the DevTools protocol through playwright-core, when a test must see console
 *   errors, uncaught exceptions and every request the page makes (the self-contained HTML reports).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type Page, chromium as playwright } from 'playwright-core';

const run = promisify(execFile);

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

async function chromium(url: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'datapipe-chromium-'));
  try {
    const { stdout } = await run('chromium', [...FLAGS, `--user-data-dir=${profile}`, ...args, url], {
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The page's DOM after its scripts ran for `waitMs` of (virtual) time. */
export function renderedDom(url: string, waitMs: number): Promise<string> {
  return chromium(url, [`--virtual-time-budget=${waitMs}`, '--dump-dom']);
}

/** A PNG screenshot of the page after `waitMs`. */
export async function screenshot(
  url: string,
  file: string,
  waitMs: number,
  size = '1100,700',
): Promise<void> {
  await chromium(url, [
    `--virtual-time-budget=${waitMs}`,
    `--window-size=${size}`,
    '--hide-scrollbars',
    `--screenshot=${file}`,
  ]);
}

export interface OpenedPage {
  readonly errors: readonly string[];
  readonly requests: readonly string[];
  readonly screenshot: string;
}

/**
 * Opens `file` (an HTML file) at a desktop width, runs `inspect` on the page, and saves full-page and
 * first-screen screenshots as ARTIFACTS_DIR/`name`.png and `name`-top.png. Every wait has a deadline.
 */
export async function openInChromium(
  file: string,
  name: string,
  inspect: (page: Page) => Promise<void>,
): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run \`bash scripts/test-tools.sh\` (installs the Debian package)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'datapipe-chromium-'));
  const context = await playwright.launchPersistentContext(profile, {
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
    const shot = join(ARTIFACTS_DIR, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true, timeout: 30_000 });
    // The first screen as well: what a reader sees on opening it (the one kept in docs/).
    await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}-top.png`), timeout: 30_000 });
    return { errors, requests, screenshot: shot };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
