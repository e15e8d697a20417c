#!/usr/bin/env node
// The CLI runs its TypeScript sources directly through Node 24's type stripping,
// so an older Node must be told plainly instead of failing on the first type annotation.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `datapipe needs Node.js 24 or newer (this is ${process.version}). ` +
      'Run it as `npx datapipe ...` from the project folder after `npm install`, which uses the bundled Node 24.\n',
  );
  process.exit(2);
}
await import('../src/cli/main.ts');
