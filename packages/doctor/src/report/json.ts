import type { Analysis } from '../analyse';

/** `--json`: the findings, ranked, with the fields the issue names first, then the extras. */
export function jsonReport(analysis: Analysis): string {
  return JSON.stringify(
    {
      findings: analysis.findings.map((f) => ({
        kind: f.kind,
        traceIds: f.traceIds,
        spanIds: f.spanIds,
        costMs: f.costMs,
        criticalPathShare: f.criticalPathShare,
        where: f.where,
        hint: f.hint,
        count: f.count,
        spreadMs: f.spreadMs,
        evidence: f.evidence,
      })),
      traces: analysis.traces,
      spans: analysis.spans,
      notes: analysis.notes,
    },
    null,
    2,
  );
}
