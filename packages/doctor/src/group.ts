import type { Finding, Occurrence } from './model';

/** Occurrences of one kind at one place become one finding; findings are ranked by total cost. */
export function groupFindings(occurrences: Occurrence[]): Finding[] {
  const groups = new Map<string, Occurrence[]>();
  for (const o of occurrences) {
    const key = `${o.kind}\u0000${o.where}`;
    const list = groups.get(key);
    if (list) list.push(o);
    else groups.set(key, [o]);
  }
  const findings = [...groups.values()].map((list): Finding => {
    const costs = list.map((o) => o.costMs).sort((a, b) => a - b);
    const first = list[0];
    return {
      kind: first.kind,
      where: first.where,
      traceIds: [...new Set(list.flatMap((o) => o.traceIds))],
      spanIds: list.flatMap((o) => o.spanIds),
      costMs: round(costs.reduce((a, b) => a + b, 0)),
      criticalPathShare: round(list.reduce((sum, o) => sum + o.criticalPathShare, 0) / list.length, 3),
      count: list.length,
      spreadMs: { min: round(costs[0]), median: round(costs[Math.floor((costs.length - 1) / 2)]), max: round(costs[costs.length - 1]) },
      hint: first.hint,
      evidence: list.length === 1 ? first.evidence : [...first.evidence.map((e) => `e.g. ${e}`)],
    };
  });
  return findings.sort((a, b) => b.costMs - a.costMs || a.kind.localeCompare(b.kind));
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
