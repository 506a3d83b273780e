import { SpanKind } from '@opentelemetry/api';
import type { FakeCollector } from './fake-collector';
import type { PlainSpan } from './types';

/** Instrumentation scope of the pg spans. */
export const PG_SCOPE = '@opentelemetry/instrumentation-pg';

/**
 * The spans of one trace, once the SERVER span of the service that received the request (the last
 * to end) has arrived, plus `settleMillis` for batches of other services that trail by one delay.
 */
export async function traceOf(collector: FakeCollector, traceId: string, options: { service?: string; settleMillis?: number } = {}): Promise<PlainSpan[]> {
  const service = options.service ?? 'gateway';
  await collector.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.service === service && s.kind === SpanKind.SERVER));
  await new Promise((r) => setTimeout(r, options.settleMillis ?? 300));
  return collector.spans().filter((s) => s.traceId === traceId);
}

/** The SQL statement spans (`pg.query…`) of a trace, of one service if given. */
export function sqlSpans(spans: PlainSpan[], service?: string): PlainSpan[] {
  return spans.filter((s) => s.scope === PG_SCOPE && s.name.startsWith('pg.query') && (!service || s.service === service));
}

/**
 * The most times one statement runs under one parent span: 1 for a trace without repeats, N for
 * an N+1 ladder of N identical sibling queries.
 */
export function repeatedStatements(spans: PlainSpan[], service?: string): number {
  const counts = new Map<string, number>();
  for (const q of sqlSpans(spans, service)) {
    const key = `${q.parentSpanId} ${String(q.attributes['db.query.text'])}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}
