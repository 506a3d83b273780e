import { FakeCollector } from '@tracelab/tracing/testing';
import { ENDPOINTS, load } from './load';
import { cpuSnapshot } from './proc';
import { restock, rss, spanTotals, start, type BenchStack } from './stack';

/** One way of running the services: tracing on, off, or on with something changed. */
export interface Config {
  name: string;
  tracing: boolean;
  env?: Record<string, string>;
  /** The receiver's protocol, to match an exporter set by OTEL_EXPORTER_OTLP_PROTOCOL. @default 'grpc' */
  receiver?: 'grpc' | 'http/protobuf';
}

/** One configuration under one endpoint's fixed rate, from load start to the end of its drain. */
export interface Window {
  round: number;
  config: string;
  endpoint: string;
  rate: number;
  /** Sent: a request in flight when the load stopped is still served, with its CPU and spans, in the window. */
  requests: number;
  achievedRate: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds per service over the window (load, then the drain while another stack is loaded). */
  cpuMillis: Record<string, number>;
  /** The same for the main (JavaScript) thread only: what a CPU profile samples. */
  mainThreadMillis: Record<string, number>;
  /** Spans this configuration's receiver got over the same interval. */
  spans: number;
  /** Resident set size of each service as its load ends (steady load at the fixed rate), MiB. */
  rssMiB?: Record<string, number>;
  /** Monotonic clock, µs (the clock of .cpuprofile timestamps): load start and drain end. */
  fromMicros: number;
  toMicros: number;
}

export interface SteadyRun {
  windows: Window[];
  /** Per configuration and service: what the tracing package counted over the stack's life. */
  spanTotals: Record<string, Record<string, ReturnType<typeof spanTotals>>>;
  /** Process id of each service, per configuration (profiles are named by pid). */
  pids: Record<string, Record<string, number>>;
}

/** The endpoints the windows cover, in the order they were first loaded. */
export function endpointsOf(windows: Window[]): string[] {
  return [...new Set(windows.map((w) => w.endpoint))];
}

/** One configuration's windows of one endpoint, by round: index i of two configurations is the same round. */
export function roundsOf(windows: Window[], endpoint: string, config: string): Window[] {
  return windows.filter((w) => w.endpoint === endpoint && w.config === config).sort((a, b) => a.round - b.round);
}

// Longer than the batch processor's 5 s delay: a window's spans are all exported, and counted, before it closes.
const MIN_DRAIN_SECONDS = 6;
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

interface Running {
  config: Config;
  collector: FakeCollector;
  bench: BenchStack;
  pids: Record<string, number>;
}

/**
 * Every configuration's stack runs at once, each idle but one: windows go round-robin, so each
 * configuration's spans drain (and their export CPU is counted) while the next one is loaded, and
 * machine drift hits all configurations alike. Rates are fixed and below saturation, so the CPU
 * per request does not depend on how much CPU other processes leave.
 */
export async function steady(
  configs: Config[],
  rates: Record<string, number>,
  o: { rounds: number; warmupSeconds: number; windowSeconds: number },
  log: (line: string) => void,
): Promise<SteadyRun> {
  if (configs.length < 2) throw new Error('steady: at least two configurations, so that one drains while the other runs');
  const running: Running[] = [];
  try {
    for (const config of configs) {
      const collector = await new FakeCollector({ mode: 'count', protocol: config.receiver }).start();
      running.push({ config, collector } as Running);
      const bench = await start(config.tracing, collector.endpoint, config.env);
      Object.assign(running.at(-1)!, { bench, pids: bench.stack.pids() as Record<string, number> });
      await restock(bench.stack);
      log(`  ${config.name}: stack up`);
    }
    const endpoints = ENDPOINTS.filter((e) => rates[e.name]);
    for (const r of running) for (const e of endpoints) await load(r.bench.stack.urls.gateway, e, o.warmupSeconds, connectionsFor(rates[e.name]), rates[e.name]);
    await sleep(MIN_DRAIN_SECONDS);

    const windows: Window[] = [];
    let open: { window: Window; run: Running; cpu: Record<string, number>; main: Record<string, number>; spans: number } | undefined;
    const minus = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(a).map(([svc, ms]) => [svc, ms - b[svc]]));
    const close = () => {
      if (!open) return;
      open.window.cpuMillis = minus(cpuSnapshot(open.run.pids), open.cpu);
      open.window.mainThreadMillis = minus(cpuSnapshot(open.run.pids, true), open.main);
      open.window.spans = open.run.collector.spanCount - open.spans;
      open.window.toMicros = nowMicros();
      windows.push(open.window);
      open = undefined;
    };
    for (let round = 1; round <= o.rounds; round++) {
      for (const e of endpoints) {
        for (const run of running) {
          const rate = rates[e.name];
          const fromMicros = nowMicros();
          const cpu = cpuSnapshot(run.pids);
          const main = cpuSnapshot(run.pids, true);
          const spans = run.collector.spanCount;
          const result = await load(run.bench.stack.urls.gateway, e, o.windowSeconds, connectionsFor(rate), rate);
          const rssMiB = rss(run.bench.stack);
          if (o.windowSeconds < MIN_DRAIN_SECONDS) await sleep(MIN_DRAIN_SECONDS - o.windowSeconds);
          close();
          const window: Window = {
            round, config: run.config.name, endpoint: e.name, rate,
            requests: result.sent, achievedRate: result.rps, non2xx: result.non2xx, errors: result.errors,
            cpuMillis: {}, mainThreadMillis: {}, spans: 0, fromMicros, toMicros: 0, rssMiB,
          };
          open = { window, run, cpu, main, spans };
          log(`  round ${round}, ${run.config.name}: ${e.name} ${result.rps.toFixed(0)} req/s, ${result.non2xx} non-2xx, ${result.errors} errors`);
        }
      }
    }
    await sleep(Math.max(o.windowSeconds, MIN_DRAIN_SECONDS));
    close();
    const pids = Object.fromEntries(running.map((r) => [r.config.name, r.pids]));
    return { windows, spanTotals: await stopAll(running), pids };
  } catch (error) {
    await stopAll(running);
    throw error;
  }
}

/**
 * Enough connections that slow answers do not hold the rate back: on a shared machine a POST /api/orders
 * took over 600 ms at times, and 4 connections then capped 20 req/s at 6.
 */
function connectionsFor(rate: number): number {
  return Math.max(20, Math.ceil(rate / 2));
}

async function stopAll(running: Running[]): Promise<SteadyRun['spanTotals']> {
  const totals: SteadyRun['spanTotals'] = {};
  for (const r of running) {
    if (r.bench) await r.bench.stack.stop();
    await r.collector.stop();
    totals[r.config.name] = Object.fromEntries(
      ['gateway', 'orders', 'inventory'].map((svc) => [svc, spanTotals((r.bench?.lines ?? []).filter((l) => l.service === svc))]),
    );
  }
  return totals;
}
