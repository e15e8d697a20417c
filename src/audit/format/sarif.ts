/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, IDE viewers): one run, the
 * rules that fired as `tool.driver.rules`, each finding a result at file:line.
 */
import { relative, sep } from 'node:path';
import type { AuditReport } from '../audit.ts';
import type { Finding, Severity } from '../model.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** `toolVersion`: datapipe's version, for the tool description (the CLI passes it in). */
export function formatSarif(report: AuditReport, toolVersion: string, cwd: string = process.cwd()): string {
  const ruleIds = [...new Set(report.findings.map((f) => f.rule))].sort();
  const firstOf = new Map<string, Finding>();
  for (const f of report.findings) if (!firstOf.has(f.rule)) firstOf.set(f.rule, f);
  const rules = ruleIds.map((id) => {
    const f = firstOf.get(id)!;
    return {
      id,
      name: pascalCase(f.title),
      shortDescription: { text: f.title },
      fullDescription: { text: f.message },
      help: { text: f.suggestion, markdown: `**Neutral alternative:** ${f.suggestion}` },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: {
        category: f.category,
        provider: f.provider,
        tags: ['portability', f.category, f.provider],
      },
    };
  });
  const results = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.title}: ${f.message} Neutral alternative: ${f.suggestion}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file, cwd) },
          region: { startLine: f.line, snippet: { text: f.evidence } },
        },
      },
    ],
    properties: { effortDays: f.effortDays, category: f.category, provider: f.provider },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'datapipe-audit',
            semanticVersion: toolVersion,
            rules,
          },
        },
        results,
        properties: { verdict: report.verdict },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function toUri(file: string, cwd: string): string {
  const rel = file.startsWith('/') ? relative(cwd, file) : file;
  const uri = rel.split(sep).join('/');
  return uri.startsWith('../') || uri.startsWith('/') ? `file://${file}` : encodeURI(uri);
}

function pascalCase(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
