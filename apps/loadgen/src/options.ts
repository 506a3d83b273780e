import { parseArgs } from 'node:util';

export const JOURNEYS = ['browse', 'view', 'order', 'track', 'history', 'bad'] as const;
export type Journey = (typeof JOURNEYS)[number];

export interface LoadOptions {
  /** Gateway base URL. */
  target: string;
  /** Requests per second (open loop); 0 means use `concurrency` (closed loop). */
  rate: number;
  /** In-flight requests in closed-loop mode. */
  concurrency: number;
  durationSeconds: number;
  /** Relative weights of the journeys. */
  mix: Record<Journey, number>;
  /** Share of requests (0..1) that carry a `tracelab.fault` baggage entry. */
  faultShare: number;
  /** Faults to pick from for those requests. */
  faults: string[];
  /** Exit non-zero when the error rate (5xx and network failures) is above this share. */
  maxErrorRate?: number;
  /** Base URL for trace links. */
  jaegerUrl: string;
  /** Per-request timeout. */
  timeoutMillis: number;
  /** End with the trace doctor's summary of the run, read from Jaeger at `jaegerUrl`. */
  doctor: boolean;
}

export const DEFAULTS: LoadOptions = {
  target: 'http://localhost:8080',
  rate: 20,
  concurrency: 10,
  durationSeconds: 30,
  mix: { browse: 30, view: 25, order: 15, track: 10, history: 15, bad: 5 },
  faultShare: 0,
  faults: [],
  jaegerUrl: 'http://localhost:16686',
  timeoutMillis: 10_000,
  doctor: false,
};

export const USAGE = `tracelab-load [options]
  --target URL          gateway base URL (default ${DEFAULTS.target})
  --rate N              requests per second, open loop (default ${DEFAULTS.rate}); 0 = use --concurrency
  --concurrency N       in-flight requests when --rate 0 (default ${DEFAULTS.concurrency})
  --duration D          run time: 30, 30s, 2m (default ${DEFAULTS.durationSeconds}s)
  --mix SPEC            journey weights (default browse=30,view=25,order=15,track=10,history=15,bad=5)
  --fault-share X       share of requests (0..1) tagged with baggage tracelab.fault (default 0)
  --faults LIST         faults to pick from, e.g. slow-query,n-plus-one (needed with --fault-share)
  --max-error-rate X    exit 1 when the share of 5xx/failed requests exceeds X
  --jaeger URL          Jaeger UI base URL for trace links (default ${DEFAULTS.jaegerUrl})
  --timeout MS          per-request timeout (default ${DEFAULTS.timeoutMillis})
  --doctor              end with the trace doctor's findings for the run, read from Jaeger at --jaeger`;

export class UsageError extends Error {}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      mix: { type: 'string' },
      'fault-share': { type: 'string' },
      faults: { type: 'string' },
      'max-error-rate': { type: 'string' },
      jaeger: { type: 'string' },
      timeout: { type: 'string' },
      doctor: { type: 'boolean' },
    },
    strict: true,
  });
  // Environment variables make the container image configurable without a command line.
  const pick = (flag: string, envName: string) => (values as Record<string, string | undefined>)[flag] ?? env[envName];
  const options: LoadOptions = {
    target: url('--target', pick('target', 'LOAD_TARGET') ?? DEFAULTS.target),
    rate: number('--rate', pick('rate', 'LOAD_RATE'), DEFAULTS.rate, 0, 10_000),
    concurrency: number('--concurrency', pick('concurrency', 'LOAD_CONCURRENCY'), DEFAULTS.concurrency, 1, 1000),
    durationSeconds: duration(pick('duration', 'LOAD_DURATION')),
    mix: mix(pick('mix', 'LOAD_MIX')),
    faultShare: number('--fault-share', pick('fault-share', 'LOAD_FAULT_SHARE'), 0, 0, 1),
    faults: (pick('faults', 'LOAD_FAULTS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    jaegerUrl: url('--jaeger', pick('jaeger', 'LOAD_JAEGER_URL') ?? DEFAULTS.jaegerUrl),
    timeoutMillis: number('--timeout', pick('timeout', 'LOAD_TIMEOUT_MS'), DEFAULTS.timeoutMillis, 1, 600_000),
    doctor: values.doctor ?? env.LOAD_DOCTOR === 'true',
  };
  const maxErrorRate = pick('max-error-rate', 'LOAD_MAX_ERROR_RATE');
  if (maxErrorRate !== undefined) options.maxErrorRate = number('--max-error-rate', maxErrorRate, 0, 0, 1);
  if (options.faultShare > 0 && options.faults.length === 0) throw new UsageError('--fault-share needs --faults');
  return options;
}

function number(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function url(flag: string, raw: string): string {
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new UsageError(`${flag} must be a URL, got "${raw}"`);
  }
}

function duration(raw: string | undefined): number {
  if (raw === undefined) return DEFAULTS.durationSeconds;
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(raw.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration must look like 30, 30s or 2m, got "${raw}"`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

function mix(raw: string | undefined): Record<Journey, number> {
  if (raw === undefined) return { ...DEFAULTS.mix };
  const weights = Object.fromEntries(JOURNEYS.map((j) => [j, 0])) as Record<Journey, number>;
  for (const part of raw.split(',')) {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!(JOURNEYS as readonly string[]).includes(name)) throw new UsageError(`--mix: unknown journey "${name}" (known: ${JOURNEYS.join(', ')})`);
    const w = Number(weight);
    if (!Number.isFinite(w) || w < 0) throw new UsageError(`--mix: weight of ${name} must be a number >= 0`);
    weights[name as Journey] = w;
  }
  if (Object.values(weights).every((w) => w === 0)) throw new UsageError('--mix: at least one journey needs a weight above 0');
  return weights;
}
