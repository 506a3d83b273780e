import { spawn } from 'node:child_process';
import { SpanKind } from '@opentelemetry/api';
import { freePort } from '@tracelab/devdb';
import type { FakeCollector } from '@tracelab/tracing/testing';
import { start } from './stack';

/** From a response's arrival to its gateway SERVER span reaching the collector, default batch delay. */
export async function exportLatency(collector: FakeCollector, samples: number): Promise<number[]> {
  const { stack } = await start(true, collector.endpoint);
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const res = await fetch(`${stack.urls.gateway}/api/products`);
      const answered = performance.now();
      const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')![1];
      await collector.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.kind === SpanKind.SERVER && s.service === 'gateway'), 30_000);
      out.push(performance.now() - answered);
      // Land the next request at a different point of the batch timer.
      await new Promise((r) => setTimeout(r, 1700));
    }
  } finally {
    await stack.stop();
  }
  return out;
}

/** `npm run dev` (build cached) until it prints that everything is up, then Ctrl-C. */
export async function devReadyMillis(root: string, otlpEndpoint: string): Promise<number> {
  const env = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    GATEWAY_PORT: String(await freePort()),
    ORDERS_PORT: String(await freePort()),
    INVENTORY_PORT: String(await freePort()),
  };
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/dev.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('TraceLab is up')) {
        const millis = performance.now() - started;
        child.kill('SIGINT');
        child.once('exit', () => resolve(millis));
      }
    });
    child.once('exit', (code) => (out.includes('TraceLab is up') ? undefined : reject(new Error(`npm run dev exited ${code} before it was up`))));
  });
}
