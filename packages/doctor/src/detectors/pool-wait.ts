import { criticalShare, criticalTimeUs } from '../critical-path';
import { durationUs, type Occurrence, type Span, type Trace } from '../model';
import { dbStatement, isDb } from '../semconv';
import { fmt, ms, type Detector } from './context';

/** Spans that stand for a connection checkout: pg-pool's `pg-pool.connect`, and the like in other pools. */
export const isPoolCheckout = (s: Span) => !dbStatement(s) && /pool[._ -]?(connect|acquire|checkout)|(acquire|checkout|get)[._ -]?connection/i.test(s.name);

/**
 * Time spent waiting for a database connection. Evidence, in order of preference:
 * - checkout spans (`pg-pool.connect`, …) when the instrumentation makes them: their time in a trace;
 * - without them, the uninstrumented gap between a span's start and its first DB child, when at
 *   least `pool.minConcurrent` concurrent traces of the same operation show such a gap: one request
 *   alone waiting is slow code, many at once waiting is a queue for connections.
 */
export const poolWait: Detector = ({ traces, thresholds, explained }) => {
  const { minWaitMs, minShare, minConcurrent } = thresholds.poolWait;
  const found: Occurrence[] = [];
  const withoutCheckouts: Array<{ trace: Trace; parent: Span; gapUs: number }> = [];
  for (const trace of traces) {
    const checkouts = trace.spans.filter(isPoolCheckout);
    if (checkouts.length) {
      const waitUs = checkouts.reduce((sum, s) => sum + durationUs(s), 0);
      const share = criticalShare(trace, checkouts);
      if (ms(waitUs) < minWaitMs || share < minShare) continue;
      const occurrence: Occurrence = {
        kind: 'pool-wait',
        traceIds: [trace.traceId],
        spanIds: checkouts.map((s) => s.spanId),
        costMs: ms(criticalTimeUs(trace, checkouts)),
        criticalPathShare: share,
        where: `${checkouts[0].service}: ${checkouts[0].name}`,
        hint: 'the pool has fewer connections than concurrent requests need: raise its size (within the database\'s max_connections), or hold connections for less time',
        evidence: [`evidence: ${checkouts.length} connection checkout span(s), ${fmt(ms(waitUs))} waiting`],
      };
      for (const s of checkouts) explained.set(s, occurrence);
      found.push(occurrence);
      continue;
    }
    for (const parent of trace.spans) {
      const gapUs = uninstrumentedGapBeforeFirstQuery(parent);
      if (gapUs !== undefined && ms(gapUs) >= minWaitMs) withoutCheckouts.push({ trace, parent, gapUs });
    }
  }
  // Without checkout spans: gaps of one operation that overlap in time across traces.
  const byOperation = new Map<string, typeof withoutCheckouts>();
  for (const g of withoutCheckouts) {
    const key = `${g.parent.service}|${g.parent.name}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), g]);
  }
  for (const gaps of byOperation.values()) {
    for (const g of gaps) {
      const concurrent = gaps.filter((o) => o.trace !== g.trace && o.parent.startUs < g.parent.startUs + g.gapUs && g.parent.startUs < o.parent.startUs + o.gapUs).length + 1;
      if (concurrent < minConcurrent) continue;
      const share = g.trace.criticalPathUs ? Math.min(1, g.gapUs / g.trace.criticalPathUs) : 0;
      if (share < minShare) continue;
      found.push({
        kind: 'pool-wait',
        traceIds: [g.trace.traceId],
        spanIds: [g.parent.spanId],
        costMs: ms(g.gapUs),
        criticalPathShare: share,
        where: `${g.parent.service}: ${g.parent.name} (before its first query)`,
        hint: 'the pool has fewer connections than concurrent requests need: raise its size (within the database\'s max_connections), or hold connections for less time',
        evidence: [`evidence: no checkout spans; ${fmt(ms(g.gapUs))} with no span before the first query, ${concurrent} concurrent requests of the same operation waiting alike`],
      });
    }
  }
  return found;
};

/** Time from `parent`'s start to its first DB child not covered by any other child; undefined without DB children. */
function uninstrumentedGapBeforeFirstQuery(parent: Span): number | undefined {
  const first = parent.children.find((c) => isDb(c));
  if (!first) return undefined;
  let covered = 0;
  let cursor = parent.startUs;
  for (const c of parent.children) {
    if (c.startUs >= first.startUs) break;
    const from = Math.max(cursor, c.startUs);
    const to = Math.min(first.startUs, c.endUs);
    if (to > from) covered += to - from;
    cursor = Math.max(cursor, to);
  }
  return Math.max(0, first.startUs - parent.startUs - covered);
}
