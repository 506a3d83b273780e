import { criticalTimeUs } from '../critical-path';
import { durationUs, type Occurrence, type Span } from '../model';
import { callResource, callTarget, dbStatement, httpMethod, isDb, isRemoteCall } from '../semconv';
import { isPlainRead, isTransactionControl, shortStatement, statementShape } from '../sql';
import { fmt, ms, type Detector } from './context';

/**
 * Reads are the calls that could run side by side: HTTP GET/HEAD, RPCs, and SELECTs outside a
 * transaction. Writes stay out: their order is usually the point.
 */
function readTarget(s: Span, inTransaction: boolean): string | undefined {
  if (isDb(s)) {
    const sql = dbStatement(s);
    return sql && !inTransaction && isPlainRead(statementShape(sql)) ? `db ${statementShape(sql)}` : undefined;
  }
  if (!isRemoteCall(s)) return undefined;
  const method = httpMethod(s);
  return method === undefined || method === 'GET' || method === 'HEAD' ? callResource(s) : undefined;
}

/**
 * `sequential.minCalls` or more sibling reads to different targets, one after another with no
 * overlap, where running them together would shorten the critical path by at least
 * `sequential.minSavedMs` and `sequential.minShare` of it.
 */
export const sequentialCalls: Detector = ({ traces, thresholds, explained }) => {
  const { minCalls, minSavedMs, minShare, overlapSlackMs } = thresholds.sequential;
  const slackUs = overlapSlackMs * 1000;
  const found: Occurrence[] = [];
  for (const trace of traces) {
    for (const parent of trace.spans) {
      if (parent.children.length < minCalls) continue;
      let inTransaction = false;
      let run: Array<{ span: Span; target: string }> = [];
      const flush = () => {
        const distinct = new Set(run.map((r) => r.target)).size;
        if (run.length >= minCalls && distinct >= minCalls) {
          const spans = run.map((r) => r.span);
          const longest = Math.max(...spans.map(durationUs));
          const onPath = criticalTimeUs(trace, spans);
          const savedUs = Math.min(onPath, spans.reduce((sum, s) => sum + durationUs(s), 0) - longest);
          const share = trace.criticalPathUs ? savedUs / trace.criticalPathUs : 0;
          if (ms(savedUs) >= minSavedMs && share >= minShare) {
            found.push({
              kind: 'sequential-calls',
              traceIds: [trace.traceId],
              spanIds: spans.map((s) => s.spanId),
              costMs: ms(savedUs),
              criticalPathShare: share,
              where: `${parent.service} "${parent.name}": ${[...new Set(spans.map(where))].join(', ')}`,
              hint: 'the calls do not depend on each other: start them together (Promise.all, asyncio.gather, errgroup, CompletableFuture.allOf)',
              evidence: [`${spans.length} calls one after another, none overlapping: ${fmt(ms(spans[spans.length - 1].endUs - spans[0].startUs))} in a row; in parallel about ${fmt(ms(longest))}`],
            });
          }
        }
        run = [];
      };
      for (const c of parent.children) {
        if (isDb(c) && isTransactionControl(statementShape(dbStatement(c) ?? ''))) inTransaction = /^\s*(BEGIN|START)/i.test(dbStatement(c) ?? '');
        const target = explained.has(c) ? undefined : readTarget(c, inTransaction);
        if (target === undefined) {
          if (isDb(c) || c.kind === 3) flush(); // another call (a write) between them: they may depend on it
          continue;
        }
        const previous = run[run.length - 1];
        if (previous && c.startUs < previous.span.endUs - slackUs) {
          flush(); // overlapping: already concurrent; a new run may start here
        }
        run.push({ span: c, target });
      }
      flush();
    }
  }
  return found;
};

const where = (s: Span) => (isDb(s) ? shortStatement(statementShape(dbStatement(s) ?? ''), 80) : callTarget(s));
