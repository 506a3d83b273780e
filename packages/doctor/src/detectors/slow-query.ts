import { criticalShare, criticalTimeUs } from '../critical-path';
import { durationUs, type Occurrence, type Span, type Trace } from '../model';
import { push } from '../util';
import { dbStatement, dbSystem, isDb } from '../semconv';
import { shortStatement, statementShape } from '../sql';
import { fmt, ms, type Detector } from './context';

/**
 * A statement that dominates the critical path: one of its spans takes at least `slowQuery.minShare`
 * of its trace's critical path and `slowQuery.minMs`, and so does the median span of the same
 * statement shape across the input. On a busy machine any span can stretch while its process waits
 * for a CPU and fill one trace; a slow statement is slow every time it runs.
 */
export const slowQuery: Detector = ({ traces, thresholds, explained }) => {
  const { minShare, minMs } = thresholds.slowQuery;
  const byShape = new Map<string, Array<{ trace: Trace; span: Span; share: number }>>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (!isDb(s) || explained.has(s)) continue;
      push(byShape, shapeOf(s), { trace, span: s, share: criticalShare(trace, [s]) });
    }
  }
  const found: Occurrence[] = [];
  for (const [shape, runs] of byShape) {
    const shares = runs.map((r) => r.share).sort((a, b) => a - b);
    const medianShare = shares[Math.floor((shares.length - 1) / 2)];
    if (medianShare < minShare) continue;
    for (const { trace, span: s, share } of runs) {
      if (share < minShare || ms(durationUs(s)) < minMs) continue;
      found.push({
        kind: 'slow-query',
        traceIds: [trace.traceId],
        spanIds: [s.spanId],
        costMs: ms(criticalTimeUs(trace, [s])),
        criticalPathShare: share,
        where: `${dbSystem(s) ?? 'db'}: ${shortStatement(shape)}`,
        hint: 'EXPLAIN ANALYZE it: a sequential scan, or a function or cast on an indexed column, usually needs an index that matches the predicate',
        evidence: [`${fmt(ms(durationUs(s)))} in ${s.service} "${s.name}", ${(share * 100).toFixed(0)}% of the critical path; the statement's median over ${runs.length} run(s): ${(medianShare * 100).toFixed(0)}%`],
      });
    }
  }
  return found;
};

const shapeOf = (s: Span) => {
  const sql = dbStatement(s);
  return sql ? statementShape(sql) : s.name;
};
