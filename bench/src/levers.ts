import { OFF, perRequest, stat, type Stat } from './cpu';
import type { Settings } from './settings';
import { endpointsOf, roundsOf, steady, type Config, type Window } from './steady';

import { join } from 'node:path';

/**
 * Round 2 (issue 24), one lever more per row from round 1's default. Run with `--levers`; all stacks
 * alive at once and loaded in turn, like the headline. Round 1's table (issue 11) is in
 * bench/README.md and results/2026-11-29-*.md; its configurations are still one variable each away.
 */
export const LEVERS: Array<Config & { lever: string; against?: string }> = [
  {
    name: 'round 1',
    lever: 'round 1\'s default: upstream @opentelemetry/instrumentation-http (TRACING_HTTP_INSTRUMENTATION=upstream)',
    tracing: true,
    env: { TRACING_HTTP_INSTRUMENTATION: 'upstream' },
  },
  { name: 'diagnostics channel', lever: 'HTTP spans from Node\'s diagnostics channels: context extracted and entered once (today\'s default)', tracing: true, env: {} },
  // The tries below are each today's default plus one change, so each saves against the default.
  {
    name: 'semi-space 32',
    lever: 'default + NODE_OPTIONS=--max-semi-space-size=32 (fewer young-generation GCs; tried)',
    tracing: true,
    env: { NODE_OPTIONS: '--max-semi-space-size=32' },
    against: 'diagnostics channel',
  },
  {
    name: 'otlp http/protobuf',
    lever: 'default + OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (exporter-trace-otlp-proto, same batch settings; tried)',
    tracing: true,
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    receiver: 'http/protobuf',
    against: 'diagnostics channel',
  },
];

/**
 * What a user would pick instead: the same services with stock auto-instrumentations-node (its
 * defaults: every instrumentation it has), exporting to the same kind of receiver over OTLP gRPC.
 * Metrics and logs exporters off: the receiver takes traces only, and the question is tracing's cost.
 */
export const PEER: Config & { lever: string } = {
  name: 'peer',
  lever: 'what a user would pick instead: @opentelemetry/auto-instrumentations-node/register, defaults, OTLP gRPC',
  tracing: true,
  env: {
    NODE_OPTIONS: `--require ${join(__dirname, 'peer-register.js')}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  },
};

export interface LeverRow {
  endpoint: string;
  config: string;
  lever: string;
  /** ms of CPU per request, three services together. */
  cpu: Stat;
  spansPerRequest: number;
  /** This configuration ÷ off, round by round. */
  ratio: Stat;
  /** The configuration above (or the one it is tried against) − this one, round by round, ms per request: what this lever saved. */
  saves?: Stat;
  /** (this − off) ÷ spans per request, round by round, µs. */
  microsPerSpan?: Stat;
  /** The peer row: peer ÷ today's default, round by round. */
  versusDefault?: Stat;
  /** Resident set size of the three services together at the end of each window, MiB. */
  rssMiB: Stat;
}

/**
 * Lever 1 alone (`--only http`): round 1's default (upstream instrumentation-http), today's default
 * and off, three stacks instead of six, so more rounds fit and each round's pairs are closer in time.
 */
export async function httpLever(s: Settings, log: (line: string) => void): Promise<LeverRow[]> {
  const run = await steady([LEVERS[0], LEVERS[1], OFF], s.rates, { rounds: s.cpuRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  return leverRows(run.windows);
}

/** The row that is today's default, which the peer is compared with. */
const DEFAULT_CONFIG = 'diagnostics channel';

export async function levers(s: Settings, log: (line: string) => void): Promise<LeverRow[]> {
  const run = await steady([...LEVERS, PEER, OFF], s.rates, { rounds: s.leverRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  return leverRows(run.windows);
}

/** One row per endpoint and configuration, in lever order, then the peer, off last. */
export function leverRows(windows: Window[]): LeverRow[] {
  const rows: LeverRow[] = [];
  for (const endpoint of endpointsOf(windows)) {
    const of = (name: string) => roundsOf(windows, endpoint, name);
    const off = of(OFF.name);
    const today = of(DEFAULT_CONFIG);
    let above: Window[] | undefined;
    const configs: Array<Config & { lever: string; against?: string }> = [...LEVERS, PEER, { ...OFF, lever: 'tracing off (OTEL_SDK_DISABLED=true)' }];
    for (const config of configs) {
      const ws = of(config.name);
      if (ws.length === 0) continue;
      const peer = config === PEER;
      const spans = ws.map((w) => w.spans / w.requests);
      const prev = config.against ? of(config.against) : above;
      rows.push({
        endpoint,
        config: config.name,
        lever: config.lever,
        cpu: stat(ws.map((w) => perRequest(w))),
        spansPerRequest: stat(spans).median,
        ratio: stat(ws.map((w, i) => perRequest(w) / perRequest(off[i]))),
        saves: prev && config.tracing && !peer ? stat(ws.map((w, i) => perRequest(prev[i]) - perRequest(w))) : undefined,
        microsPerSpan: config.tracing ? stat(ws.map((w, i) => ((perRequest(w) - perRequest(off[i])) * 1000) / spans[i])) : undefined,
        versusDefault: peer ? stat(ws.map((w, i) => perRequest(w) / perRequest(today[i]))) : undefined,
        rssMiB: stat(ws.map((w) => Object.values(w.rssMiB ?? {}).reduce((a, b) => a + b, 0))),
      });
      if (!peer) above = ws;
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
