import type { Analysis } from '../analyse';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

/** One block per finding: kind, place, cost, evidence, fix, and where to look in Jaeger. */
export function textReport(analysis: Analysis, options: { jaegerUi?: string; limit?: number } = {}): string {
  const { findings } = analysis;
  const out = [`tracelab-doctor: ${analysis.traces} trace(s), ${analysis.spans} span(s) analysed in ${ms(analysis.elapsedMs)}: ${findings.length ? `${findings.length} finding(s), costliest first` : 'no findings'}`];
  for (const note of analysis.notes) out.push(`note: ${note}`);
  findings.slice(0, options.limit ?? findings.length).forEach((f, i) => {
    const spread = f.count > 1 ? ` (${f.count}×, each ${ms(f.spreadMs.min)} … median ${ms(f.spreadMs.median)} … ${ms(f.spreadMs.max)})` : '';
    out.push('', `${i + 1}. ${f.kind}  ${ms(f.costMs)}${spread}, ${(f.criticalPathShare * 100).toFixed(0)}% of the critical path`);
    out.push(`   where: ${f.where}`);
    for (const e of f.evidence) out.push(`   ${e}`);
    out.push(`   fix: ${f.hint}`);
    const traces = f.traceIds.slice(0, 3);
    const more = f.traceIds.length > traces.length ? ` (+${f.traceIds.length - traces.length} more)` : '';
    out.push(`   trace${f.traceIds.length > 1 ? 's' : ''}: ${traces.map((t) => (options.jaegerUi ? `${options.jaegerUi}/trace/${t}` : t)).join(' ')}${more}`);
    out.push(`   spans: ${f.spanIds.slice(0, 8).join(' ')}${f.spanIds.length > 8 ? ` (+${f.spanIds.length - 8} more)` : ''}`);
  });
  if (options.limit !== undefined && findings.length > options.limit) out.push('', `… ${findings.length - options.limit} more (--json for all)`);
  return out.join('\n');
}
