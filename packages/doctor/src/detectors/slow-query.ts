import { criticalShare, criticalTimeUs } from '../critical-path';
import { durationUs } from '../model';
import type { Occurrence } from '../model';
import { dbStatement, dbSystem, isDb } from '../semconv';
import { shortStatement, statementShape } from '../sql';
import { fmt, ms, type Detector } from './context';

/**
 * One DB span that takes most of its trace's critical path (`slowQuery.minShare`), enough time to
 * matter (`slowQuery.minMs`), and stands out among the input's other queries: at least
 * `slowQuery.minTimesMedian` times their median duration. On a busy machine every span stretches
 * while its process waits for a CPU, and a lone query can fill most of a short trace; a slow query
 * is slow against its neighbours too.
 */
export const slowQuery: Detector = ({ traces, thresholds, explained }) => {
  const { minShare, minMs, minTimesMedian } = thresholds.slowQuery;
  const found: Occurrence[] = [];
  const durations = traces.flatMap((t) => t.spans.filter(isDb).map(durationUs)).sort((a, b) => a - b);
  /** Median of the input's other DB spans: the sorted durations without one copy of `d`. */
  const medianWithout = (d: number) => {
    if (durations.length < 2) return 0;
    let lo = 0;
    let hi = durations.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (durations[mid] < d) lo = mid + 1;
      else hi = mid;
    }
    const m = Math.floor((durations.length - 2) / 2);
    return m < lo ? durations[m] : durations[m + 1];
  };
  for (const trace of traces) {
    for (const s of trace.spans) {
      if (!isDb(s) || explained.has(s) || ms(durationUs(s)) < minMs) continue;
      const median = medianWithout(durationUs(s));
      if (median > 0 && durationUs(s) < minTimesMedian * median) continue;
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
        evidence: [`${fmt(ms(durationUs(s)))} in ${s.service} "${s.name}", ${(share * 100).toFixed(0)}% of the critical path, ${median ? `${Math.round(durationUs(s) / median)}× the median query of the input` : 'the only query of the input'}`],
      });
    }
  }
  return found;
};
