import { OFF, perRequest, stat, type Stat } from './cpu';
import type { Settings } from './settings';
import { endpointsOf, roundsOf, steady, type Config, type Window } from './steady';

const ALL = 'http,undici,pg,pino,nestjs-core,express';
const DEFAULT_SET = 'http,undici,pg,pino';

/**
 * What tracing cost before issue 11 and after each lever, taken one at a time in the order they were
 * pulled: each configuration is the one above it with one more lever. The first is the old default
 * (every instrumentation on, a span per pool checkout); the last is today's default. Run with
 * `--levers`; all stacks alive at once and loaded in turn, like the headline.
 */
export const LEVERS: Array<Config & { lever: string }> = [
  {
    name: 'before',
    lever: 'the old default: Nest handler spans, instrumentation-express, pg-pool.connect spans, sqlcommenter',
    tracing: true,
    env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: ALL, TRACING_PG_CONNECT_SPANS: 'true', TRACING_PG_SQLCOMMENTER: 'true' },
  },
  {
    name: 'no Nest spans',
    lever: 'Nest handler spans opt-in (instrumentation-nestjs-core not loaded)',
    tracing: true,
    env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: `${DEFAULT_SET},express`, TRACING_PG_CONNECT_SPANS: 'true', TRACING_PG_SQLCOMMENTER: 'true' },
  },
  {
    name: 'no express',
    lever: 'route names from TracingModule\'s interceptor instead of instrumentation-express',
    tracing: true,
    env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: DEFAULT_SET, TRACING_PG_CONNECT_SPANS: 'true', TRACING_PG_SQLCOMMENTER: 'true' },
  },
  { name: 'no connect spans', lever: 'no pg-pool.connect span per pool checkout', tracing: true, env: { TRACING_PG_SQLCOMMENTER: 'true' } },
  { name: 'after', lever: 'no sqlcommenter comment on each statement (today\'s default)', tracing: true, env: {} },
];

export interface LeverRow {
  endpoint: string;
  config: string;
  lever: string;
  /** ms of CPU per request, three services together. */
  cpu: Stat;
  spansPerRequest: number;
  /** This configuration ÷ off, round by round. */
  ratio: Stat;
  /** The configuration above − this one, round by round, ms per request: what this lever saved. */
  saves?: Stat;
  /** (this − off) ÷ spans per request, round by round, µs. */
  microsPerSpan?: Stat;
}

export async function levers(s: Settings, log: (line: string) => void): Promise<LeverRow[]> {
  const run = await steady([...LEVERS, OFF], s.rates, { rounds: s.leverRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  return leverRows(run.windows);
}

/** One row per endpoint and configuration, in lever order, off last. */
export function leverRows(windows: Window[]): LeverRow[] {
  const rows: LeverRow[] = [];
  for (const endpoint of endpointsOf(windows)) {
    const of = (name: string) => roundsOf(windows, endpoint, name);
    const off = of(OFF.name);
    let above: Window[] | undefined;
    for (const config of [...LEVERS, { ...OFF, lever: 'tracing off (OTEL_SDK_DISABLED=true)' }]) {
      const ws = of(config.name);
      const spans = ws.map((w) => w.spans / w.requests);
      const prev = above;
      rows.push({
        endpoint,
        config: config.name,
        lever: config.lever,
        cpu: stat(ws.map((w) => perRequest(w))),
        spansPerRequest: stat(spans).median,
        ratio: stat(ws.map((w, i) => perRequest(w) / perRequest(off[i]))),
        saves: prev && config.tracing ? stat(ws.map((w, i) => perRequest(prev[i]) - perRequest(w))) : undefined,
        microsPerSpan: config.tracing ? stat(ws.map((w, i) => ((perRequest(w) - perRequest(off[i])) * 1000) / spans[i])) : undefined,
      });
      above = ws;
    }
  }
  return rows;
}

/** Tracing on at 100%, on with the `always_off` sampler, and off: where the cost left after the levers sits. */
export const SPLIT: Config[] = [
  { name: 'on', tracing: true },
  { name: 'always_off', tracing: true, env: { OTEL_TRACES_SAMPLER: 'always_off' } },
  OFF,
];

export interface SplitRow {
  endpoint: string;
  /** ms of CPU per request. */
  on: Stat;
  alwaysOff: Stat;
  off: Stat;
  /** always_off − off, round by round: instrumentation hooks and context propagation, with no span recorded. */
  hooks: Stat;
  /** on − always_off, round by round: recording the spans, the processors, and exporting them. */
  recording: Stat;
  spansPerRequest: number;
}

/**
 * Not a lever (the issue asks for 100% sampling): the `always_off` sampler keeps every hook and
 * context switch of the instrumentations but records and exports nothing, so it splits what tracing
 * still costs into "instrumenting" and "recording and exporting".
 */
export async function split(s: Settings, log: (line: string) => void): Promise<SplitRow[]> {
  const run = await steady(SPLIT, s.rates, { rounds: s.leverRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  return splitRows(run.windows);
}

export function splitRows(windows: Window[]): SplitRow[] {
  return endpointsOf(windows).map((endpoint) => {
    const [on, never, off] = SPLIT.map((c) => roundsOf(windows, endpoint, c.name).map((w) => perRequest(w)));
    const spans = roundsOf(windows, endpoint, 'on').map((w) => w.spans / w.requests);
    return {
      endpoint,
      on: stat(on),
      alwaysOff: stat(never),
      off: stat(off),
      hooks: stat(never.map((x, i) => x - off[i])),
      recording: stat(on.map((x, i) => x - never[i])),
      spansPerRequest: stat(spans).median,
    };
  });
}
