// Run as a child process (inside its own network namespace when the test can make one): starts the
// Jaeger binary with exactly the chart's arguments and the image's JAEGER_LISTEN_HOST, then reports
// what it listens on, whether GET /status answers on 13133 and whether a span sent over OTLP gRPC
// to 4317 comes back from the query API. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { startTracing, withSpan } from '@tracelab/tracing';
import { scripts } from './jaeger';

export interface ProbeResult {
  listening: number[];
  status: { code: number; body: string };
  otlpTraceFound: boolean;
  uiAnswered: boolean;
  log: string[];
  error?: string;
}

async function probe(bin: string, args: string[], ports: { otlpGrpc: number; query: number; health: number }): Promise<ProbeResult> {
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
    return { listening: listeningPorts(), status, otlpTraceFound, uiAnswered, log };
  } finally {
    await jaeger.stop();
  }
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
