import { criticalShare } from '../critical-path';
import { durationUs, type Occurrence, type Span } from '../model';
import { dbStatement, dbSystem, isDb } from '../semconv';
import { shortStatement, statementShape } from '../sql';
import { push } from '../util';
import { fmt, ms, type Detector } from './context';

/** Sibling DB spans under one parent with the same statement shape, at least `nPlusOne.minRepeats` of them. */
export const nPlusOne: Detector = ({ traces, thresholds, explained }) => {
  const { minRepeats, minTotalMs } = thresholds.nPlusOne;
  const found: Occurrence[] = [];
  for (const trace of traces) {
    for (const parent of trace.spans) {
      const byShape = new Map<string, Span[]>();
      for (const c of parent.children) {
        const sql = isDb(c) ? dbStatement(c) : undefined;
        if (!sql) continue;
        const shape = statementShape(sql);
        push(byShape, shape, c);
      }
      for (const [shape, spans] of byShape) {
        const totalMs = ms(spans.reduce((sum, s) => sum + durationUs(s), 0));
        if (spans.length < minRepeats || totalMs < minTotalMs) continue;
        const occurrence: Occurrence = {
          kind: 'n-plus-one',
          traceIds: [trace.traceId],
          spanIds: spans.map((s) => s.spanId),
          costMs: totalMs,
          criticalPathShare: criticalShare(trace, spans),
          where: `${dbSystem(spans[0]) ?? 'db'}: ${shortStatement(shape)}`,
          hint: 'load the rows in one query (a JOIN, or WHERE … = ANY($1) / IN (…) over the ids) instead of one query per row',
          evidence: [`${spans.length} × the same statement under ${parent.service} "${parent.name}", ${fmt(totalMs)} together`],
        };
        // One query instead of N is the fix, not N in parallel: these are no sequential-calls.
        for (const s of spans) explained.set(s, occurrence);
        found.push(occurrence);
      }
    }
  }
  return found;
};
