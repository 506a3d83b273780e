// Run as a child process (inside its own network namespace when the test can make one): starts the
// Jaeger binary with exactly the chart's arguments and the image's JAEGER_LISTEN_HOST, then reports
// what it listens on, whether GET /status answers on 13133 and whether a span sent over OTLP gRPC
// to 4317 comes back from the query API and, when the configuration has span metrics, as RED metrics on
// the span-metrics port. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { startTracing, withSpan } from '@tracelab/tracing';
import { scripts } from './jaeger';

export interface ProbeResult {
  listening: number[];
  status: { code: number; body: string };
  otlpTraceFound: boolean;
  uiAnswered: boolean;
  /** The span counted in traces_span_metrics_calls_total and the ms histogram on ports.spanMetrics. */
  spanMetrics?: boolean;
  spanMetricsSample?: string;
  log: string[];
  error?: string;
}

async function probe(bin: string, args: string[], ports: { otlpGrpc: number; query: number; health: number; spanMetrics?: number }): Promise<ProbeResult> {
  const { startJaeger } = await scripts();
  const log: string[] = [];
  // The chart's image sets JAEGER_LISTEN_HOST=0.0.0.0 (reference README): the built-in config listens on all interfaces.
  const jaeger = await startJaeger({ bin, args, ports, env: { ...process.env, JAEGER_LISTEN_HOST: '0.0.0.0', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpGrpc}` }, onLine: (l) => log.push(l), readyTimeoutMs: 30_000 });
  try {
    const res = await fetch(`http://127.0.0.1:${ports.health}/status`, { signal: AbortSignal.timeout(3000) });
    const status = { code: res.status, body: (await res.text()).slice(0, 300) };
    const tracing = startTracing({ serviceName: 'chart-probe', endpoint: `http://127.0.0.1:${ports.otlpGrpc}`, exportTimeoutMillis: 5000 });
    const traceId = withSpan('chart-probe', (span) => span.spanContext().traceId);
    await tracing.flush(5000);
    let otlpTraceFound = false;
    for (let i = 0; i < 50 && !otlpTraceFound; i++) {
      const r = await fetch(`http://127.0.0.1:${ports.query}/api/v3/traces/${traceId}`, { signal: AbortSignal.timeout(3000) });
      otlpTraceFound = r.status === 200 && (await r.text()).includes('chart-probe');
      if (!otlpTraceFound) await new Promise((r) => setTimeout(r, 200));
    }
    await tracing.shutdown(3000);
    const uiAnswered = (await fetch(`http://127.0.0.1:${ports.query}/`, { signal: AbortSignal.timeout(3000) })).ok;
    const metrics = ports.spanMetrics ? await spanMetrics(ports.spanMetrics) : {};
    return { listening: listeningPorts(), status, otlpTraceFound, uiAnswered, ...metrics, log };
  } finally {
    await jaeger.stop();
  }
}

/** Waits (bounded: the connector flushes every 15 s in the chart's configuration) for the probe's span as metrics. */
async function spanMetrics(port: number): Promise<{ spanMetrics: boolean; spanMetricsSample?: string }> {
  const deadline = Date.now() + 40_000;
  let sample: string | undefined;
  while (Date.now() < deadline) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text()).catch(() => '');
    const lines = text.split('\n').filter((l) => l.includes('service_name="chart-probe"'));
    sample = lines.find((l) => l.startsWith('traces_span_metrics_calls_total'));
    if (sample && lines.some((l) => l.startsWith('traces_span_metrics_duration_milliseconds_bucket'))) return { spanMetrics: true, spanMetricsSample: sample };
    await new Promise((r) => setTimeout(r, 1000));
  }
  return { spanMetrics: false, spanMetricsSample: sample };
}

/** TCP ports in LISTEN state in this process's network namespace, from /proc/net/tcp{,6}. */
function listeningPorts(): number[] {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local) ports.add(parseInt(local.split(':').pop()!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

if (require.main === module) {
  const [bin, argsJson, portsJson] = process.argv.slice(2);
  probe(bin, JSON.parse(argsJson), JSON.parse(portsJson)).then(
    (result) => (console.log(JSON.stringify(result)), process.exit(0)),
    (error: Error) => (console.log(JSON.stringify({ listening: listeningPorts(), error: error.message })), process.exit(0)),
  );
}
