/**
 * The layers of src/ and what each may import (docs/architecture.md draws them). `src/layers.test.ts`
 * runs dependency-cruiser with these rules in `npm test`; `npx depcruise src` runs them by hand
 * (.dependency-cruiser.mjs points here). Tests and test helpers are left out: a test is a composition
 * root of its own.
 */
import type { IConfiguration } from 'dependency-cruiser';

/** Top-level folder of src/ → the folders it may import besides itself. The map must stay acyclic. */
export const mayImport: Readonly<Record<string, readonly string[]>> = {
  core: [],
  config: ['core'],
  observability: ['core', 'config'],
  kafka: ['core', 'config'],
  transforms: ['core', 'config'],
  sources: ['core', 'config', 'observability', 'kafka'],
  // sources: the fsync helper of checkpoint files (sources/checkpoint.ts), which the fs driver reuses.
  sinks: ['core', 'config', 'observability', 'kafka', 'sources'],
  runtime: ['core', 'config', 'observability', 'transforms'],
  dlq: ['core', 'config', 'observability', 'kafka', 'sources', 'runtime'],
  // `datapipe test`: the runtime's decode, transforms and routing, in-process.
  'pipeline-test': ['core', 'config', 'transforms', 'runtime'],
  platform: ['core', 'config'],
  // report: the HTML page and SVG charts the audit and plan reports share; pure functions, no imports.
  report: [],
  // audit: the platform's six categories and the TargetRegistry type (one vocabulary, decision 0028),
  // and the shared HTML report.
  audit: ['core', 'config', 'platform', 'report'],
  import: ['core', 'config', 'audit', 'platform'],
  plan: ['core', 'config', 'audit', 'platform', 'report'],
  cli: [
    'core',
    'config',
    'observability',
    'kafka',
    'transforms',
    'sources',
    'sinks',
    'runtime',
    'dlq',
    'pipeline-test',
    'platform',
    'report',
    'audit',
    'import',
    'plan',
  ],
};

const NOT_PRODUCT_CODE = '(\\.test\\.ts|\\.test-support\\.ts|/test-[^/]*\\.ts)$';

export const layerRules = {
  forbidden: [
    ...Object.entries(mayImport).map(([folder, allowed]) => ({
      name: `layer-${folder}`,
      comment: `src/${folder} may import only ${allowed.length ? allowed.join(', ') : 'nothing else of src'} (docs/architecture.md)`,
      severity: 'error' as const,
      from: { path: `^src/${folder}/`, pathNot: NOT_PRODUCT_CODE },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...allowed].join('|')})/` },
    })),
    {
      name: 'unknown-folder',
      comment: 'a new top-level folder of src/ needs its place in the layers (.dependency-cruiser.mjs)',
      severity: 'error' as const,
      from: { path: '^src/', pathNot: `^src/(${Object.keys(mayImport).join('|')})/|${NOT_PRODUCT_CODE}` },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'no import loop between modules either',
      severity: 'error' as const,
      from: { pathNot: NOT_PRODUCT_CODE },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: NOT_PRODUCT_CODE },
    tsPreCompilationDeps: true,
  },
} satisfies IConfiguration;
