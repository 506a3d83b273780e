import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { isIgnoredPath } from './config';

/**
 * TraceLab's fixed set, by the short names OTEL_NODE_DISABLED_INSTRUMENTATIONS uses. Factories, not
 * instances: an instrumentation patches its module in its constructor, so a disabled one must never
 * be constructed. No fs/dns/net instrumentation: their spans bury the useful ones in Jaeger.
 */
const FACTORIES = {
  http: (ignorePaths: string[]) =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req: IncomingMessage) => isIgnoredPath(req.url ?? '/', ignorePaths),
      // Outgoing HTTP with no active span is background noise (e.g. a readiness probe's own calls).
      requireParentforOutgoingSpans: true,
    }),
  // Global fetch runs on undici, which the http instrumentation does not see.
  undici: () => new UndiciInstrumentation({ requireParentforSpans: true }),
  // Only to name server spans "GET /products/:sku": every Express layer type is ignored, so no span per middleware.
  express: () =>
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
  'nestjs-core': () => new NestInstrumentation(),
  pg: () =>
    new PgInstrumentation({
      // Statements only, never bound values: parameters can hold personal data.
      enhancedDatabaseReporting: false,
      // sqlcommenter: the traceparent travels in a comment, visible in pg_stat_activity and server logs.
      addSqlCommenterCommentToQueries: true,
      // Queries outside any request (migrations, probes) would each become a one-span trace.
      requireParentSpan: true,
    }),
  // Adds trace_id/span_id to every pino line; log records stay in the JSON logs, not in OTLP.
  pino: () => new PinoInstrumentation({ disableLogSending: true }),
} satisfies Record<string, (ignorePaths: string[]) => Instrumentation>;

export type InstrumentationName = keyof typeof FACTORIES;
export const INSTRUMENTATION_NAMES = Object.keys(FACTORIES) as InstrumentationName[];

/** Constructs (and so enables) only the instrumentations not named in `disabled`. */
export function createInstrumentations(ignorePaths: string[], disabled: string[] = []): Instrumentation[] {
  return INSTRUMENTATION_NAMES.filter((name) => !disabled.includes(name)).map((name) => FACTORIES[name](ignorePaths));
}

/** Names in `disabled` that are not instrumentations of this package: a typo would otherwise disable nothing, silently. */
export function unknownInstrumentationNames(disabled: string[]): string[] {
  return disabled.filter((name) => !(INSTRUMENTATION_NAMES as string[]).includes(name));
}

/** "@opentelemetry/instrumentation-nestjs-core" → "nestjs-core", the names OTEL_NODE_DISABLED_INSTRUMENTATIONS uses. */
export function shortName(instrumentationName: string): string {
  return instrumentationName.replace(/^@opentelemetry\/instrumentation-/, '');
}
