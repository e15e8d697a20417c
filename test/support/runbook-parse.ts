// Reading a rendered RUNBOOK.md the way a person follows it: its ordered steps, the Secrets it tells
// the user to create, and the commands, outputs, files and variables it names.
export type Phase = 'crds' | 'namespaces' | 'provider' | 'secrets' | 'rest';

export interface RunbookStep {
  readonly phase: Phase;
  readonly text: string;
  /** The first `kubectl ...` command in the step, if any. */
  readonly kubectl?: string;
}

/** A section's body: the lines after `## TITLE` up to the next `## `. */
export function section(runbook: string, title: string): string[] {
  const lines = runbook.split('\n');
  const start = lines.findIndex((l) => l === `## ${title}` || l.startsWith(`## ${title} `));
  if (start < 0) throw new Error(`RUNBOOK has no "## ${title}" section`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function phaseOf(step: string): Phase {
  if (/\bCRDs\b/.test(step)) return 'crds';
  if (/namespace\.yaml/.test(step)) return 'namespaces';
  if (/`tofu /.test(step)) return 'provider';
  if (/\bSecrets\b/.test(step)) return 'secrets';
  if (/kubectl apply [^`]*-k kubernetes\//.test(step)) return 'rest';
  throw new Error(`RUNBOOK order step not understood: ${step}`);
}

/** The numbered steps of "## Order", in their order. */
export function orderSteps(runbook: string): RunbookStep[] {
  return section(runbook, 'Order')
    .filter((l) => /^\d+\. /.test(l))
    .map((l) => {
      const text = l.replace(/^\d+\. /, '');
      const cmd = /`(kubectl [^`]+)`/.exec(text)?.[1];
      return { phase: phaseOf(text), text, ...(cmd ? { kubectl: cmd } : {}) };
    });
}

export interface NamedSecret {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
  readonly tls: boolean;
}

/** "Secrets you create": `- \`NAME\` in \`NS\` with key(s) \`K\`, ... ` or `(type kubernetes.io/tls)`. */
export function secretsToCreate(runbook: string): NamedSecret[] {
  return section(runbook, 'Secrets you create')
    .filter((l) => l.startsWith('- `'))
    .map((l) => {
      const m = /^- `([^`]+)` in `([^`]+)`/.exec(l);
      if (!m) throw new Error(`Secret line not understood: ${l}`);
      const tls = l.includes('kubernetes.io/tls');
      const keysPart = /with keys? ((?:`[^`]+`(?:, )?)+)/.exec(l)?.[1] ?? '';
      const keys = [...keysPart.matchAll(/`([^`]+)`/g)].map((k) => k[1]!);
      if (!tls && keys.length === 0) throw new Error(`Secret line names no key: ${l}`);
      return { name: m[1]!, namespace: m[2]!, keys, tls };
    });
}

/** Every `tofu output [-raw|-json] NAME` the RUNBOOK names. */
export function tofuOutputs(runbook: string): string[] {
  return [...runbook.matchAll(/tofu(?: -chdir=\S+)? output(?: -raw| -json)* ([a-z0-9_]+)/g)].map(
    (m) => m[1]!,
  );
}

/** Every file the RUNBOOK tells the user to run with `bash FILE` or `sh FILE` or `./FILE`. */
export function filesToRun(runbook: string): string[] {
  return [...runbook.matchAll(/(?:\bbash|\bsh) ([\w./-]+\.sh)\b/g)].map((m) => m[1]!);
}
