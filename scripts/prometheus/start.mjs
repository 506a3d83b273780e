// Starts Prometheus for Jaeger's Monitor tab: it scrapes the span metrics Jaeger's prometheus
// exporter serves, keeps them briefly, and answers the query API Jaeger calls. Waits, bounded,
// until GET /-/ready answers. Shared by `npm run dev -- --jaeger` and tests/jaeger.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDaemon } from '../jaeger/daemon.mjs';

export const defaultPort = 9090;
/**
 * 5 s, not Prometheus' 1 min default: a point every 5 s (the spanmetrics connector flushes every 5 s
 * too, scripts/jaeger/spm.yaml) puts the first rates on the Monitor tab within seconds of traffic,
 * and lets tests compare 30 s phases of traffic.
 */
export const SCRAPE_INTERVAL = '5s';
/** Local mode's metrics are a development aid: hours, not Prometheus' 15 days (the tab's default lookback is 1 h). */
export const RETENTION = '6h';

/** The whole configuration: one job scraping Jaeger's span metrics. */
export function prometheusConfig(targets) {
  return [
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL}`,
    `  evaluation_interval: ${SCRAPE_INTERVAL}`,
    'scrape_configs:',
    '  - job_name: jaeger-span-metrics',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
}

/**
 * @param {{ bin: string, dataDir: string, targets: string[], host?: string, port?: number,
 *   onLine?: (line: string) => void, readyTimeoutMs?: number }} options
 */
export async function startPrometheus(options) {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? defaultPort;
  mkdirSync(options.dataDir, { recursive: true });
  const config = join(options.dataDir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(options.targets));
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(options.dataDir, 'data')}`,
    `--storage.tsdb.retention.time=${RETENTION}`,
    `--web.listen-address=${host}:${port}`,
    '--log.level=warn',
  ];
  const { child, recent, exited, spawnError, stop } = spawnDaemon(options.bin, args, { onLine: options.onLine });

  const url = `http://${host}:${port}`;
  const began = Date.now();
  const running = {
    process: child,
    args,
    url,
    readyAfterMs: 0,
    log: () => [...recent],
    /** SIGTERM (Prometheus flushes its head block), then SIGKILL after 10 s. */
    stop: () => stop(10_000),
  };
  const timeout = options.readyTimeoutMs ?? 30_000;
  while (Date.now() < began + timeout) {
    const early = await Promise.race([exited, spawnError, delay(200).then(() => undefined)]);
    if (early instanceof Error) throw new Error(`cannot run ${options.bin}: ${early.message}`);
    if (early) throw new Error(`Prometheus exited (${early.code ?? early.signal}) before it was ready: ${lastLine(recent)}`);
    if (await ready(`${url}/-/ready`)) {
      running.readyAfterMs = Date.now() - began;
      return running;
    }
  }
  await running.stop();
  throw new Error(`Prometheus did not answer ${url}/-/ready within ${timeout} ms: ${lastLine(recent)}`);
}

async function ready(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

const lastLine = (lines) => ([...lines].reverse().find((l) => /err|fail/i.test(l)) ?? lines.at(-1) ?? '(no output)').slice(0, 500);
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
