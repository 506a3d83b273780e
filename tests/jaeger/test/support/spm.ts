// Jaeger with Service Performance Monitoring, as `npm run dev -- --jaeger` runs it: the Prometheus
// binary scripts/prometheus finds, scraping the span metrics Jaeger serves (scripts/jaeger/spm.yaml),
// every listener on a free port, the TSDB in a temporary folder. And Jaeger's metrics API, read back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distinctFreePorts, freePorts, located, root, scripts, skipReason, type RunningJaeger, type StartOptions } from './jaeger';

type FoundPrometheus = { bin: string; source: string; version?: string } | { missing: string };
export interface RunningPrometheus {
  url: string;
  process: import('node:child_process').ChildProcess;
  log(): string[];
  stop(): Promise<void>;
}
interface PrometheusStart {
  startPrometheus(options: { bin: string; dataDir: string; targets: string[]; port?: number; readyTimeoutMs?: number }): Promise<RunningPrometheus>;
  SCRAPE_INTERVAL: string;
}

export const prometheusLocated: FoundPrometheus = (() => {
  // locate.mjs has no top-level await, so Node 24 can require() it synchronously here.
  const { findPrometheus } = require(join(root, 'scripts/prometheus/locate.mjs')) as { findPrometheus(): FoundPrometheus };
  return findPrometheus();
})();
export const spmSkipReason: string | false =
  skipReason || ('missing' in prometheusLocated ? `${prometheusLocated.missing} (run \`npm run prometheus:build\`, needs Go)` : false);

export interface SpmJaeger {
  jaeger: RunningJaeger;
  prometheus: RunningPrometheus;
  ui?: string;
  stop(): Promise<void>;
}

/** Prometheus, then Jaeger exporting span metrics to it, both on free ports; `jaeger` adds start options (tail sampling, telemetry…). */
export async function startSpmJaeger(options: { ui?: boolean; jaeger?: Partial<StartOptions> } = {}): Promise<SpmJaeger> {
  if ('missing' in located) throw new Error(located.missing);
  if ('missing' in prometheusLocated) throw new Error(prometheusLocated.missing);
  const { startJaeger, uiAssets } = await scripts();
  const { startPrometheus } = (await import(pathToFileURL(join(root, 'scripts/prometheus/start.mjs')).href)) as PrometheusStart;
  const dataDir = mkdtempSync(join(tmpdir(), 'tracelab-prometheus-'));
  const ui = options.ui === false ? undefined : uiAssets(located.ui);
  const [spanMetrics, prometheusPort] = await distinctFreePorts(2);
  const prometheus = await startPrometheus({ bin: prometheusLocated.bin, dataDir, port: prometheusPort, targets: [`127.0.0.1:${spanMetrics}`] });
  try {
    const jaeger = await startJaeger({ bin: located.bin, ports: await freePorts(), uiAssets: ui, spm: { port: spanMetrics, prometheusUrl: prometheus.url }, readyTimeoutMs: 30_000, ...options.jaeger });
    return {
      jaeger,
      prometheus,
      ui,
      async stop() {
        await jaeger.stop();
        await prometheus.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await prometheus.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** One point of a series: Jaeger's metrics API answers NaN as the string "NaN". */
export interface MetricSeries {
  labels: Record<string, string>;
  points: Array<{ value: number; timestamp: string }>;
}
interface MetricFamilyJson {
  name?: string;
  metrics?: Array<{ labels?: Array<{ name: string; value: string }>; metricPoints?: Array<{ gaugeValue?: { doubleValue?: number | string }; timestamp?: string }> }>;
}

export type MetricKind = 'calls' | 'latencies' | 'errors';

/**
 * GET /api/metrics/{kind}: one series per operation of `service` (SERVER spans, as the Monitor tab asks),
 * each point a rate or quantile over the `ratePerMs` before it. Throws with Jaeger's answer on anything but 200.
 */
export async function metrics(
  ui: string,
  kind: MetricKind,
  params: { service: string; endMs?: number; lookbackMs?: number; stepMs?: number; ratePerMs?: number; quantile?: number; groupByOperation?: boolean },
): Promise<MetricSeries[]> {
  const query = new URLSearchParams({
    service: params.service,
    endTs: String(Math.round(params.endMs ?? Date.now())),
    lookback: String(params.lookbackMs ?? 60_000),
    step: String(params.stepMs ?? 5_000),
    ratePer: String(params.ratePerMs ?? 60_000),
    spanKind: 'server',
    groupByOperation: String(params.groupByOperation ?? true),
  });
  if (kind === 'latencies') query.set('quantile', String(params.quantile ?? 0.95));
  const res = await fetch(`${ui}/api/metrics/${kind}?${query}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /api/metrics/${kind}?${query}: ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as MetricFamilyJson & { data?: MetricFamilyJson };
  const family = body.metrics ? body : (body.data ?? {});
  return (family.metrics ?? []).map((m) => ({
    labels: Object.fromEntries((m.labels ?? []).map((l) => [l.name, l.value])),
    points: (m.metricPoints ?? []).map((p) => ({ value: Number(p.gaugeValue?.doubleValue ?? NaN), timestamp: p.timestamp ?? '' })),
  }));
}

/** The last point with a number (Prometheus leaves a step empty, NaN here, before data exists). */
export const lastValue = (series: MetricSeries | undefined): number | undefined =>
  series?.points.filter((p) => Number.isFinite(p.value)).at(-1)?.value;

export const byOperation = (series: MetricSeries[], operation: string) => series.find((s) => s.labels.operation === operation);
