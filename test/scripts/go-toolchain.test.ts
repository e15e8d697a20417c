/**
 * The Go toolchain the service scripts build with (scripts/services/lib.sh): a Go older than 1.21 (Debian
 * bookworm's golang-go is 1.19) is passed over, since it ignores GOTOOLCHAIN; without a usable one, the
 * toolchain the Go module proxy serves is fetched, checked against its pinned SHA-256, and runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const LIB = join(import.meta.dirname, '../../scripts/services/lib.sh');
const run = promisify(execFile);

/** Runs `script` in bash after sourcing lib.sh, with `env` added; resolves with its output and exit code. */
async function withLib(script: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('bash', ['-c', `set -euo pipefail; source "${LIB}"; ${script}`], {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datapipe-go-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in `go` that answers `go env GOVERSION` with `version`. */
function fakeGo(dir: string, version: string): string {
  const path = join(dir, `go-${version}`);
  writeFileSync(path, `#!/bin/sh\necho ${version}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('the Go toolchain of the service scripts', () => {
  it('passes over a Go older than 1.21 and takes 1.21 and later', async () => {
    const dir = tempDir();
    for (const [version, usable] of [
      ['go1.19.8', false],
      ['go1.20.14', false],
      ['go1.21.0', true],
      ['go1.26.8', true],
      ['devel', false],
    ] as const) {
      const r = await withLib(`go_at_least_1_21 "${fakeGo(dir, version)}"`);
      assert.equal(r.code === 0, usable, `${version}: exit ${r.code}`);
    }
  });

  it('refuses a toolchain zip whose SHA-256 is not the pinned one, and leaves nothing behind', async () => {
    // A proxy that serves the right path with the wrong bytes.
    const requested: string[] = [];
    const server = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.end(Buffer.from('PK\u0003\u0004 not the toolchain'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const cache = tempDir();
    try {
      const { port } = server.address() as AddressInfo;
      const r = await withLib('go_fetch_toolchain', {
        DATAPIPE_CACHE_DIR: cache,
        GOPROXY: `http://127.0.0.1:${port},direct`,
      });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /does not match its pinned SHA-256/);
      assert.deepEqual(requested, [
        `/golang.org/toolchain/@v/v0.0.1-go1.26.8.linux-${process.arch === 'arm64' ? 'arm64' : 'amd64'}.zip`,
      ]);
      assert.deepEqual(readdirSync(join(cache, 'go/toolchain')), [], 'no toolchain and no temp dir kept');
    } finally {
      server.close();
    }
  });

  it('fetches the pinned toolchain from the Go module proxy once, and it runs', async () => {
    const cache = tempDir();
    const first = await withLib('go_fetch_toolchain', { DATAPIPE_CACHE_DIR: cache });
    assert.equal(first.code, 0, first.stderr);
    const go = first.stdout.trim();
    assert.ok(go.startsWith(join(cache, 'go/toolchain/go1.26.8.linux-')) && existsSync(go), go);
    const { stdout } = await run(go, ['version']);
    assert.match(stdout, /^go version go1\.26\.8 linux\//);
    // the zip's file modes came through: the compiler, under pkg/tool, runs too
    const { stdout: tool } = await run(go, ['tool', '-n', 'compile']);
    await run(tool.trim(), ['-V']);
    const again = await withLib('go_fetch_toolchain', { DATAPIPE_CACHE_DIR: cache });
    assert.equal(again.stdout.trim(), go);
    assert.doesNotMatch(again.stderr, /fetching/, 'the second call finds it installed');
  });
});
