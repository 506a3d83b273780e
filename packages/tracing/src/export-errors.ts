import { diag } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';

const REPEAT_EVERY_MILLIS = 60_000;

/**
 * One line when the collector cannot be reached, then a count once a minute, instead of the SDK's
 * stack trace per failed batch. Other SDK errors keep going to the diagnostic logger.
 */
export function installExportErrorHandler(endpoint: string, write: (line: string) => void = defaultWrite): void {
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
    write(
      `tracing: spans cannot be exported to ${endpoint}: ${message}${more}. ` +
        'Start Jaeger with: docker run --rm -p 16686:16686 -p 4317:4317 jaegertracing/jaeger:2.19.0 ' +
        '(or see README "Run on Minikube"); set OTEL_EXPORTER_OTLP_ENDPOINT to use another collector.',
    );
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
