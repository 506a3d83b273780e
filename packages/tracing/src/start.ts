import { diag } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { resolveConfig } from './config';
import { createExporter } from './exporter';
import { SpanAccounting } from './span-accounting';
import { ContextAttributesSpanProcessor } from './context-attributes';
import { ErrorPolicySpanProcessor } from './error-policy';
import { installExportErrorHandler } from './export-errors';
import { createInstrumentations, INSTRUMENTATION_NAMES, unknownInstrumentationNames } from './instrumentations';
import { baseResource, resourceDetectors } from './resource';
import type { TracingHandle, TracingOptions } from './types';

// On globalThis, so that two copies of this package in one process still start one SDK.
const HANDLE_KEY = Symbol.for('@tracelab/tracing.handle');
type Global = typeof globalThis & { [HANDLE_KEY]?: TracingHandle };

/**
 * Starts OpenTelemetry once per process; later calls return the first handle. Must run before
 * `http`, `express`, `pg`, `pino` or `@nestjs/core` are required, which `--require
 * @tracelab/tracing/register` guarantees.
 */
export function startTracing(options: TracingOptions = {}): TracingHandle {
  const g = globalThis as Global;
  const existing = g[HANDLE_KEY];
  if (existing) return existing;
  const config = resolveConfig(options);
  if (config.disabled) {
    const noop: TracingHandle = { enabled: false, stats: () => ({ ended: 0, exported: 0, failed: 0 }), flush: async () => true, shutdown: async () => true };
    g[HANDLE_KEY] = noop;
    return noop;
  }
  for (const [variable, names] of [
    ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', config.enabledInstrumentations ?? []],
    ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', config.disabledInstrumentations],
  ] as const) {
    const unknown = unknownInstrumentationNames(names);
    if (unknown.length === 0) continue;
    process.stderr.write(
      `tracing: ${variable}: unknown instrumentation ${unknown.map((n) => `"${n}"`).join(', ')} ignored; valid names: ${INSTRUMENTATION_NAMES.join(', ')}\n`,
    );
  }
  const accounting = new SpanAccounting();
  let shutdown: Promise<boolean> | undefined;
  const exporter = accounting.wrap(createExporter(config));
  const batch = new BatchSpanProcessor({ exporter, ...config.batch });
  const sdk = new NodeSDK({
    resource: baseResource(config),
    resourceDetectors,
    serviceName: options.serviceName,
    spanProcessors: [
      new ContextAttributesSpanProcessor(),
      new ErrorPolicySpanProcessor(config.clientErrorsAreErrors),
      ...(options.spanProcessors ?? []),
      accounting.counter,
      batch,
    ],
    // Traces only: default metric and log exporters would retry a missing collector at shutdown.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      ...createInstrumentations(config, config.enabledInstrumentations, config.disabledInstrumentations),
      ...(options.instrumentations ?? []),
    ],
  });
  sdk.start();
  installExportErrorHandler(config.endpoint);
  const handle: TracingHandle = {
    enabled: true,
    stats: () => ({ ...accounting.stats }),
    flush: (timeout = config.shutdownTimeoutMillis) => withTimeout(batch.forceFlush(), timeout),
    shutdown: (timeout = config.shutdownTimeoutMillis) =>
      (shutdown ??= withTimeout(sdk.shutdown(), timeout).then((done) => {
        // One line per process, so a lossy export is never silent.
        process.stderr.write(`${accounting.summary()}\n`);
        return done;
      })),
  };
  g[HANDLE_KEY] = handle;
  return handle;
}

/** The handle of the running SDK, if {@link startTracing} was called. */
export function tracingHandle(): TracingHandle | undefined {
  return (globalThis as Global)[HANDLE_KEY];
}

/** Resolves true if `work` settled in time; false (never throws) on timeout or failure. */
async function withTimeout(work: Promise<unknown>, millis: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), millis);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } catch (error) {
    diag.warn('tracing: flush failed', error);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

