import type { FakeCollector } from '@tracelab/tracing/testing';
import { ENDPOINTS, load, type LoadResult } from './load';
import type { Settings } from './settings';
import { restock, rss, spanTotals, start } from './stack';

/** on: 100% sampled and exported; sampled: 10% (parent-based ratio); off: OTEL_SDK_DISABLED=true. */
export type Mode = 'on' | 'sampled' | 'off';

const MODE_ENV: Record<Mode, Record<string, string>> = {
  on: {},
  sampled: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  off: {},
};

export interface Round {
  pair: number;
  mode: Mode;
  results: Record<string, LoadResult>;
  rssIdle: Record<string, number>;
  rssLoaded: Record<string, number>;
  requests: number;
  spansReceived: number;
  spans: ReturnType<typeof spanTotals>;
}

/**
 * Tracing on (100% sampled, exported over OTLP gRPC to a live receiver), on at 10% sampling, and off
 * (OTEL_SDK_DISABLED=true), alternated A/B/C in every round so that drift of the machine hits all alike.
 */
export async function overhead(collector: FakeCollector, s: Settings, log: (line: string) => void): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let pair = 1; pair <= s.pairs; pair++) {
    for (const mode of ['on', 'sampled', 'off'] as const) {
      const tracing = mode !== 'off';
      collector.clear();
      const { stack, lines } = await start(tracing, collector.endpoint, MODE_ENV[mode]);
      try {
        await restock(stack);
        await new Promise((r) => setTimeout(r, 1000));
        const rssIdle = rss(stack);
        const results: Record<string, LoadResult> = {};
        let requests = 0;
        for (const endpoint of ENDPOINTS) {
          requests += (await load(stack.urls.gateway, endpoint, s.warmupSeconds, s.connections)).requests;
          results[endpoint.name] = await load(stack.urls.gateway, endpoint, s.measureSeconds, s.connections);
          requests += results[endpoint.name].requests;
          log(`  pair ${pair}, tracing ${mode}: ${endpoint.name} ${results[endpoint.name].rps.toFixed(0)} req/s, p99 ${results[endpoint.name].p99} ms`);
        }
        const rssLoaded = rss(stack);
        await new Promise((r) => setTimeout(r, 1500)); // in-flight requests finish before shutdown
        await stack.stop();
        rounds.push({ pair, mode, results, rssIdle, rssLoaded, requests, spansReceived: collector.spanCount, spans: spanTotals(lines) });
      } catch (error) {
        await stack.stop();
        throw error;
      }
    }
  }
  return rounds;
}

export interface Ratio {
  endpoint: string;
  /** Which configuration is compared with tracing off. */
  mode: Exclude<Mode, 'off'>;
  metric: 'throughput' | 'p50' | 'p99';
  mean: number;
  min: number;
  max: number;
}

/** on and sampled, each against off of the same round, then mean and spread over the rounds. */
export function ratios(rounds: Round[]): Ratio[] {
  const out: Ratio[] = [];
  for (const mode of ['on', 'sampled'] as const) {
    for (const endpoint of ENDPOINTS.map((e) => e.name)) {
      for (const metric of ['throughput', 'p50', 'p99'] as const) {
        const key = metric === 'throughput' ? 'rps' : metric;
        const values = [...new Set(rounds.map((r) => r.pair))].map((pair) => {
          const on = rounds.find((r) => r.pair === pair && r.mode === mode)!.results[endpoint][key];
          const off = rounds.find((r) => r.pair === pair && r.mode === 'off')!.results[endpoint][key];
          return on / off;
        });
        out.push({ endpoint, mode, metric, mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) });
      }
    }
  }
  return out;
}
