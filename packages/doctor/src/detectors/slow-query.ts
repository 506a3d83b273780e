import { criticalShare, criticalTimeUs } from '../critical-path';
import { durationUs } from '../model';
import type { Occurrence } from '../model';
import { dbStatement, dbSystem, isDb } from '../semconv';
import { shortStatement, statementShape } from '../sql';
import { fmt, ms, type Detector } from './context';

/** One DB span that takes most of its trace's critical path, and enough time to matter. */
export const slowQuery: Detector = ({ traces, thresholds, explained }) => {
  const { minShare, minMs } = thresholds.slowQuery;
  const found: Occurrence[] = [];
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (!isDb(s) || explained.has(s) || ms(durationUs(s)) < minMs) continue;
      const share = criticalShare(trace, [s]);
      if (share < minShare) continue;
      const sql = dbStatement(s);
      found.push({
        kind: 'slow-query',
        traceIds: [trace.traceId],
        spanIds: [s.spanId],
        costMs: ms(criticalTimeUs(trace, [s])),
        criticalPathShare: share,
        where: `${dbSystem(s) ?? 'db'}: ${sql ? shortStatement(statementShape(sql)) : s.name}`,
        hint: 'EXPLAIN ANALYZE it: a sequential scan, or a function or cast on an indexed column, usually needs an index that matches the predicate',
        evidence: [`${fmt(ms(durationUs(s)))} in ${s.service} "${s.name}", ${(share * 100).toFixed(0)}% of the critical path`],
      });
    }
  }
  return found;
};
