import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { isIgnoredPath } from './config';
import { DiagnosticsHttpInstrumentation } from './http/instrumentation';
import { PgPoolContextInstrumentation } from './pg-pool-context';

/** What the factories need from the resolved configuration. */
export interface InstrumentationSettings {
  ignorePaths: string[];
  /** `pg-pool.connect` spans, one per pool checkout: off unless asked for (TRACING_PG_CONNECT_SPANS=true). */
  pgConnectSpans: boolean;
  /** The traceparent as a sqlcommenter comment on every statement: off unless asked for (TRACING_PG_SQLCOMMENTER=true). */
  pgSqlCommenter: boolean;
  /** Whose HTTP spans: TraceLab's, from Node's diagnostics channels (default), or upstream's (TRACING_HTTP_INSTRUMENTATION=upstream). */
  httpInstrumentation?: 'diagnostics-channel' | 'upstream';
}

/**
 * TraceLab's set, by the short names OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS
 * use. Factories, not instances: an instrumentation patches its module in its constructor, so a
 * disabled one must never be constructed. No fs/dns/net instrumentation: their spans bury the useful
 * ones in Jaeger.
 */
const FACTORIES = {
  // The same spans either way (tests/package/test/http-parity.test.ts); TraceLab's costs less CPU
  // per request (bench/README.md), upstream's is the reference, one variable away.
  http: (s: InstrumentationSettings) =>
    s.httpInstrumentation === 'upstream' ? upstreamHttp(s) : new DiagnosticsHttpInstrumentation({ ignoreIncomingRequest: (req) => isIgnoredPath(req.url ?? '/', s.ignorePaths) }),
  // Global fetch runs on undici, which the http instrumentation does not see.
  undici: () => new UndiciInstrumentation({ requireParentforSpans: true }),
  pg: (s: InstrumentationSettings) =>
    new PgInstrumentation({
      // Statements only, never bound values: parameters can hold personal data.
      enhancedDatabaseReporting: false,
      // sqlcommenter: the traceparent travels in a comment, visible in pg_stat_activity and server logs.
      // Opt-in: encoding it costs CPU on every query, and the server parses it (bench/README.md).
      addSqlCommenterCommentToQueries: s.pgSqlCommenter,
      // Queries outside any request (migrations, probes) would each become a one-span trace.
      requireParentSpan: true,
      // A checkout is a span only when asked: normally a fraction of a millisecond, next to every query.
      ignoreConnectSpans: !s.pgConnectSpans,
    }),
  // Adds trace_id/span_id to every pino line; log records stay in the JSON logs, not in OTLP.
  pino: () => new PinoInstrumentation({ disableLogSending: true }),
  // Opt-in (OTEL_NODE_ENABLED_INSTRUMENTATIONS): two INTERNAL spans per request and service that
  // repeat the controller's name and push the SQL two levels deeper in Jaeger; TracingModule's
  // interceptor puts the route and the exception on the SERVER span instead (bench/README.md).
  'nestjs-core': () => new NestInstrumentation(),
  // Opt-in: TracingModule's interceptor names SERVER spans by route in Nest apps; a plain Express
  // app turns this on for the same (every layer type is ignored, so it makes no spans of its own).
  express: () =>
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
} satisfies Record<string, (s: InstrumentationSettings) => Instrumentation>;

function upstreamHttp(s: InstrumentationSettings): Instrumentation {
  return new HttpInstrumentation({
    ignoreIncomingRequestHook: (req: IncomingMessage) => isIgnoredPath(req.url ?? '/', s.ignorePaths),
    // Outgoing HTTP with no active span is background noise (e.g. a readiness probe's own calls).
    requireParentforOutgoingSpans: true,
  });
}

export type InstrumentationName = keyof typeof FACTORIES;
export const INSTRUMENTATION_NAMES = Object.keys(FACTORIES) as InstrumentationName[];
/** On unless OTEL_NODE_ENABLED_INSTRUMENTATIONS names a set without them. */
export const DEFAULT_INSTRUMENTATIONS: InstrumentationName[] = ['http', 'undici', 'pg', 'pino'];

/**
 * The names to construct, as `@opentelemetry/auto-instrumentations-node` reads the two variables:
 * `enabled` (when given) is the whole set, then `disabled` is taken out of it.
 */
export function selectInstrumentations(enabled: string[] | undefined, disabled: string[] = []): InstrumentationName[] {
  const base = enabled ? INSTRUMENTATION_NAMES.filter((n) => enabled.includes(n)) : DEFAULT_INSTRUMENTATIONS;
  return base.filter((name) => !disabled.includes(name));
}

/** Constructs (and so enables) the instrumentations {@link selectInstrumentations} picks. */
export function createInstrumentations(
  settings: InstrumentationSettings,
  enabled: string[] | undefined,
  disabled: string[] = [],
): Instrumentation[] {
  const names = selectInstrumentations(enabled, disabled);
  const made: Instrumentation[] = names.map((name) => FACTORIES[name](settings));
  // Without pg-pool.connect spans, nothing carries a pool.query() caller's context into the checkout
  // callback, which pg-pool runs in whichever request released the connection.
  if (names.includes('pg') && !settings.pgConnectSpans) made.push(new PgPoolContextInstrumentation());
  return made;
}

/** Names in `names` that are not instrumentations of this package: a typo would otherwise change nothing, silently. */
export function unknownInstrumentationNames(names: string[]): string[] {
  return names.filter((name) => !(INSTRUMENTATION_NAMES as string[]).includes(name));
}

/** "@opentelemetry/instrumentation-nestjs-core" → "nestjs-core", the names OTEL_NODE_DISABLED_INSTRUMENTATIONS uses. */
export function shortName(instrumentationName: string): string {
  return instrumentationName.replace(/^@opentelemetry\/instrumentation-/, '');
}
