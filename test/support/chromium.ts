/**
 * Headless Chromium (the Debian package, installed by scripts/test-tools.sh) for tests that look at a
 * page as a person would: the DOM after its scripts ran, or a screenshot. A fresh profile each time, no
 * network but the page's own address, every background service off.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function chromium(url: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'datapipe-chromium-'));
  try {
    const { stdout } = await run(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
        url,
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
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
