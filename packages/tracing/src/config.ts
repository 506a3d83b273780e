import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TracingOptions } from './types';

export const DEFAULT_ENDPOINT = 'http://localhost:4317';
export const DEFAULT_EXPORT_TIMEOUT_MILLIS = 1500;
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 2000;

export interface ResolvedConfig {
  disabled: boolean;
  serviceName?: string;
  serviceVersion?: string;
  environment: string;
  endpoint: string;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: `grpc` (default) or `http/protobuf`. */
  protocol: 'grpc' | 'http/protobuf';
  /** The endpoint came from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or the options: used as given, no `/v1/traces` added. */
  tracesEndpointIsFull: boolean;
  exportTimeoutMillis: number;
  shutdownTimeoutMillis: number;
  ignorePaths: string[];
  /** OTEL_NODE_ENABLED_INSTRUMENTATIONS: the whole set, by short name, when given; else TraceLab's default set. */
  enabledInstrumentations?: string[];
  /** Instrumentations to leave out, by short name ("nestjs-core", "pino", …). */
  disabledInstrumentations: string[];
  /** One `pg-pool.connect` span per pool checkout (TRACING_PG_CONNECT_SPANS=true). */
  pgConnectSpans: boolean;
  /** A sqlcommenter comment holding the traceparent on every statement (TRACING_PG_SQLCOMMENTER=true). */
  pgSqlCommenter: boolean;
  /** TRACING_HTTP_INSTRUMENTATION: `diagnostics-channel` (default) or `upstream` (@opentelemetry/instrumentation-http). */
  httpInstrumentation: 'diagnostics-channel' | 'upstream';
  clientErrorsAreErrors: boolean;
  batch: { maxQueueSize?: number; maxExportBatchSize?: number; scheduledDelayMillis?: number; exportTimeoutMillis?: number };
}

type Env = Record<string, string | undefined>;

/** Reads a positive number; an invalid value is ignored, as the OpenTelemetry spec asks of SDK variables. */
export function numberFromEnv(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Options win over variables; variables win over TraceLab's defaults. */
export function resolveConfig(options: TracingOptions = {}, env: Env = process.env): ResolvedConfig {
  const pkg = mainPackage();
  const otlpTimeoutMillis =
    options.exportTimeoutMillis ??
    numberFromEnv(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ??
    numberFromEnv(env, 'OTEL_EXPORTER_OTLP_TIMEOUT') ??
    DEFAULT_EXPORT_TIMEOUT_MILLIS;
  const batchTimeoutMillis = numberFromEnv(env, 'OTEL_BSP_EXPORT_TIMEOUT');
  // When the batch processor gives up on an export, the gRPC call must give up too: otherwise it stays
  // in flight, its spans are counted neither exported nor failed, and shutdown waits for it.
  const exportTimeoutMillis = Math.min(otlpTimeoutMillis, batchTimeoutMillis ?? Infinity);
  return {
    disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
    serviceName: options.serviceName ?? (env.OTEL_SERVICE_NAME?.trim() || pkg?.name?.replace(/^@[^/]+\//, '')),
    serviceVersion: options.serviceVersion ?? pkg?.version,
    environment: options.environment ?? env.DEPLOYMENT_ENVIRONMENT ?? env.NODE_ENV ?? 'development',
    endpoint:
      options.endpoint ??
      (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_ENDPOINT),
    protocol: (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim()) === 'http/protobuf' ? 'http/protobuf' : 'grpc',
    tracesEndpointIsFull: options.endpoint !== undefined || Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()),
    exportTimeoutMillis,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    ignorePaths: options.ignorePaths ?? ['/health/'],
    enabledInstrumentations: env.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.trim() ? names(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS) : undefined,
    disabledInstrumentations: names(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS),
    pgConnectSpans: options.pgConnectSpans ?? isTrue(env.TRACING_PG_CONNECT_SPANS),
    pgSqlCommenter: options.pgSqlCommenter ?? isTrue(env.TRACING_PG_SQLCOMMENTER),
    httpInstrumentation: env.TRACING_HTTP_INSTRUMENTATION?.trim().toLowerCase() === 'upstream' ? 'upstream' : 'diagnostics-channel',
    clientErrorsAreErrors: options.clientErrorsAreErrors ?? false,
    batch: {
      maxQueueSize: numberFromEnv(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
      maxExportBatchSize: numberFromEnv(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      scheduledDelayMillis: numberFromEnv(env, 'OTEL_BSP_SCHEDULE_DELAY'),
      exportTimeoutMillis: batchTimeoutMillis ?? exportTimeoutMillis,
    },
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** "nestjs-core, pino" → ["nestjs-core", "pino"]. */
function names(list: string | undefined): string[] {
  return (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** True when `path` is one of `ignorePaths`: exact, or under a prefix that ends in "/". */
export function isIgnoredPath(path: string, ignorePaths: string[]): boolean {
  const bare = path.split('?', 1)[0];
  return ignorePaths.some((p) => (p.endsWith('/') ? bare.startsWith(p) || bare === p.slice(0, -1) : bare === p));
}

/** The package.json of the application being run, for `service.name`/`service.version` defaults. */
function mainPackage(): { name?: string; version?: string } | undefined {
  let dir = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  for (let i = 0; i < 6; i++) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
  return undefined;
}
