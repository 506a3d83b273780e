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
  const { minWaitMs, minShare, minWaiting, minQueuedMs } = thresholds.poolWait;
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
      if (gapUs !== undefined && ms(gapUs) >= minQueuedMs) withoutCheckouts.push({ trace, parent, gapUs });
    }
  }
  // Without checkout spans: a queue. A pool gives a returned connection to one waiter, at once (in
  // the same turn of the event loop): a waiter's first query starts within `handoffSlackMs` after
  // another request's query of the same service ends, and each such end resumes one waiter only.
  // A process that stalls (CPU starved, a GC pause) also makes gaps before first queries, but its
  // requests resume together, after fewer query ends than there are waiters: those are not matched.
  const { handoffSlackMs } = thresholds.poolWait;
  const slackUs = handoffSlackMs * 1000;
  // Span start times may be truncated to the millisecond (OpenTelemetry JS): a start can read up to
  // 1 ms before the end of the query that resumed it.
  const truncationUs = 1000;
  const byService = new Map<string, typeof withoutCheckouts>();
  for (const g of withoutCheckouts) push(byService, g.parent.service, g);
  for (const [service, gaps] of byService) {
    const queries = traces.flatMap((t) => t.spans.filter((s) => s.service === service && isDb(s)).map((s) => ({ trace: t, span: s }))).sort((a, b) => a.span.endUs - b.span.endUs);
    /** Index of the first query ending at or after `at` (binary search on the sorted ends). */
    const firstEndingFrom = (at: number) => {
      let lo = 0;
      let hi = queries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (queries[mid].span.endUs < at) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const used = new Set<number>();
    const heldBy = new Map<(typeof gaps)[number], Trace>();
    const byResume = [...gaps].sort((x, y) => firstQueryOf(x.parent).startUs - firstQueryOf(y.parent).startUs);
    for (const g of byResume) {
      const resume = firstQueryOf(g.parent).startUs;
      // The latest unused query end of another request in [resume − slack, resume + truncation].
      let pick = -1;
      // A busy process runs the waiter's code late, and later the longer everything takes: the slack
      // grows with the wait, a tenth of it, as for lock grants.
      const slack = Math.max(slackUs, g.gapUs / 10);
      for (let i = firstEndingFrom(resume - slack); i < queries.length && queries[i].span.endUs <= resume + truncationUs; i++) {
        const q = queries[i];
        if (!used.has(i) && q.trace !== g.trace && q.span.endUs > g.parent.startUs) pick = i;
      }
      if (pick < 0) continue;
      used.add(pick);
      heldBy.set(g, queries[pick].trace);
    }
    // Requests waiting at the same time, each resumed as a connection came back: a queue for the pool.
    const waiters = [...heldBy.keys()].sort((x, y) => x.parent.startUs - y.parent.startUs);
    let cluster: typeof waiters = [];
    let clusterEnd = 0;
    const flush = () => {
      const shareOf = (g: (typeof waiters)[number]) => (g.trace.criticalPathUs ? Math.min(1, g.gapUs / g.trace.criticalPathUs) : 0);
      // A queue hands connections out one after another: the waiters resume at as many distinct
      // moments (more than the slack apart). A stalled process resumes its waiters at one or two.
      const resumes = cluster.map((g) => firstQueryOf(g.parent).startUs).sort((a, b) => a - b);
      const moments = resumes.filter((r, i) => i === 0 || r - resumes[i - 1] > truncationUs).length;
      // The queue as a whole must matter: its mean share of the critical path, not each wait's. The
      // gap shows only the wait before a request's first query, not its later checkouts: half the bar.
      const longest = Math.max(...cluster.map((g) => g.gapUs));
      if (moments >= minWaiting && ms(longest) >= minWaitMs && cluster.reduce((sum, g) => sum + shareOf(g), 0) / cluster.length >= minShare / 2) {
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
            evidence: [`evidence: no checkout spans; ${fmt(ms(g.gapUs))} with no span before the first query, which started as another request's query ended; ${cluster.length} requests waiting at once, resumed one by one at ${moments} moments`],
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

const firstQueryOf = (parent: Span) => parent.children.find((c) => isDb(c))!;

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
