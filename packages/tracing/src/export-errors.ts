import { diag } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';

const REPEAT_EVERY_MILLIS = 60_000;

/**
 * What to do about it, for any service. A project can replace it with TRACING_COLLECTOR_HINT (TraceLab
 * points at its own README that way), since a copied service has no such README.
 */
export const GENERIC_HINT =
  'Start a collector there, e.g. Jaeger: docker run --rm -p 16686:16686 -p 4317:4317 jaegertracing/jaeger:2.19.0, ' +
  'or print traces in the terminal: npx tracelab-traces --port 4317; ' +
  'or set OTEL_EXPORTER_OTLP_ENDPOINT to your collector.';

/**
 * One line when the collector cannot be reached, then a count once a minute, instead of the SDK's
 * stack trace per failed batch. Other SDK errors keep going to the diagnostic logger.
 */
export function installExportErrorHandler(
  endpoint: string,
  write: (line: string) => void = defaultWrite,
  hint: string = process.env.TRACING_COLLECTOR_HINT?.trim() || GENERIC_HINT,
): void {
  let lastReport = 0;
  let suppressed = 0;
  setGlobalErrorHandler((error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!isExportFailure(message)) {
      diag.error('OpenTelemetry SDK error', error);
      return;
    }
    const now = Date.now();
    if (lastReport !== 0 && now - lastReport < REPEAT_EVERY_MILLIS) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more failed exports since the last report)` : '';
    write(`tracing: spans cannot be exported to ${endpoint}: ${message}${more}. ${hint}`);
    lastReport = now;
    suppressed = 0;
  });
}

function isExportFailure(message: string): boolean {
  return /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|Timeout|export/i.test(message);
}

function defaultWrite(line: string): void {
  process.stderr.write(`${line}\n`);
}
