/**
 * The JSON report: a stable contract for scripts (documented in docs/audit.md). Fields are only
 * ever added, never renamed or removed, without a major version.
 */
import type { AuditReport } from '../audit.ts';

export function formatJson(report: AuditReport): string {
  const findings = report.findings.map((f) => ({
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    category: f.category,
    provider: f.provider,
    file: f.file,
    line: f.line,
    kind: f.kind,
    evidence: f.evidence,
    message: f.message,
    suggestion: f.suggestion,
    effortDays: f.effortDays,
  }));
  return `${JSON.stringify({ findings, summary: report.summary, verdict: report.verdict }, null, 2)}\n`;
}
