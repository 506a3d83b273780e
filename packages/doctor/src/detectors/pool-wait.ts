import { criticalShare, criticalTimeUs } from '../critical-path';
import { durationUs, type Occurrence, type Span, type Trace } from '../model';
import { dbStatement, isDb } from '../semconv';
import { push } from '../util';
import { fmt, ms, type Detector } from './context';

/** Spans that stand for a connection checkout: pg-pool's `pg-pool.connect`, and the like in other pools. */
export const isPoolCheckout = (s: Span) => !dbStatement(s) && /pool[._ -]?(connect|acquire|checkout)|(acquire|checkout|get)[._ -]?connection/i.test(s.name);

/**
 * Time spent waiting for a database connection. Evidence, in order of preference:
 * - checkout spans (`pg-pool.connect`, …) when the instrumentation makes them: their time in a trace;
 * - without them, the uninstrumented gap between a span's start and its first DB child, when it
 *   ends as another request's query ends (a connection given back), and at least
 *   `poolWait.minWaiting` requests of the service wait so at once: one request alone waiting is slow
 *   code, many at once each resumed by a returned connection is a queue for the pool.
 */
export const poolWait: Detector = ({ traces, thresholds, explained }) => {
  const { minWaitMs, minShare, minWaiting } = thresholds.poolWait;
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
  // Without checkout spans: a queue, as for locks. A request's wait ends when another request of the
  // same service gives a connection back (one of its queries ends); a queue is a chain of such waits.
  const { grantSlackMs } = thresholds.lockWait;
  const byService = new Map<string, typeof withoutCheckouts>();
  for (const g of withoutCheckouts) push(byService, g.parent.service, g);
  for (const [service, gaps] of byService) {
    const queries = traces.flatMap((t) => t.spans.filter((s) => s.service === service && isDb(s)).map((s) => ({ trace: t, span: s }))).sort((a, b) => a.span.endUs - b.span.endUs);
    /** Queries of other traces that ended within `slack` of `at` (binary search on the sorted ends). */
    const endingNear = (at: number, slack: number) => {
      let lo = 0;
      let hi = queries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (queries[mid].span.endUs < at - slack) lo = mid + 1;
        else hi = mid;
      }
      const near: typeof queries = [];
      for (let i = lo; i < queries.length && queries[i].span.endUs <= at + slack; i++) near.push(queries[i]);
      return near;
    };
    const heldBy = new Map<(typeof gaps)[number], Trace>();
    for (const g of gaps) {
      const firstQuery = g.parent.children.find((c) => isDb(c))!;
      const slack = Math.max(grantSlackMs * 1000, g.gapUs / 10);
      const release = endingNear(firstQuery.startUs, slack).find((q) => q.trace !== g.trace && q.span.endUs > g.parent.startUs);
      if (release) heldBy.set(g, release.trace);
    }
    // Requests waiting at the same time, each resumed as a connection came back: a queue for the pool.
    const waiters = [...heldBy.keys()].sort((x, y) => x.parent.startUs - y.parent.startUs);
    let cluster: typeof waiters = [];
    let clusterEnd = 0;
    const flush = () => {
      const shareOf = (g: (typeof waiters)[number]) => (g.trace.criticalPathUs ? Math.min(1, g.gapUs / g.trace.criticalPathUs) : 0);
      // The queue as a whole must matter: its mean share of the critical path, not each wait's.
      if (cluster.length >= minWaiting && cluster.reduce((sum, g) => sum + shareOf(g), 0) / cluster.length >= minShare) {
        for (const g of cluster) {
          const share = shareOf(g);
          found.push({
            kind: 'pool-wait',
            traceIds: [g.trace.traceId],
            spanIds: [g.parent.spanId],
            costMs: ms(g.gapUs),
            criticalPathShare: share,
            where: `${service}: ${g.parent.name} (before its first query)`,
            hint: 'the pool has fewer connections than concurrent requests need: raise its size (within the database\'s max_connections), or hold connections for less time',
            evidence: [`evidence: no checkout spans; ${fmt(ms(g.gapUs))} with no span before the first query, which started as another request's query ended; ${cluster.length} requests waiting at once`],
          });
        }
      }
      cluster = [];
    };
    for (const g of waiters) {
      if (cluster.length && g.parent.startUs >= clusterEnd) flush();
      cluster.push(g);
      clusterEnd = Math.max(clusterEnd, g.parent.startUs + g.gapUs);
    }
    flush();
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
