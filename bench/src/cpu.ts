import type { Settings } from './settings';
import { endpointsOf, roundsOf, steady, type Config, type SteadyRun, type Window } from './steady';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(values: number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1)! };
}

/** CPU milliseconds per request of one window: the three services together, or one of them. */
export function perRequest(w: Window, service?: string): number {
  const ms = service ? w.cpuMillis[service] : Object.values(w.cpuMillis).reduce((a, b) => a + b, 0);
  return ms / w.requests;
}

export interface CpuRow {
  endpoint: string;
  rate: number;
  /** ms of CPU per request, three services together, over the rounds. */
  on: Stat;
  off: Stat;
  /** on ÷ off, round by round (each round's windows are minutes apart at most). */
  ratio: Stat;
  spansPerRequest: Stat;
  /** (on − off) ÷ spans exported per request, round by round, in µs. */
  microsPerSpan: Stat;
  /** Requests per second answered, on and off: below the target means the machine could not keep up. */
  achieved: { on: Stat; off: Stat };
  /** Answers other than 2xx over all windows of both configurations, and all answers: they count as requests too. */
  non2xx: number;
  requests: number;
  /** Median ms per request of each service. */
  services: Record<string, { on: number; off: number }>;
}

export const ON: Config = { name: 'on', tracing: true };
export const OFF: Config = { name: 'off', tracing: false };

/** The headline: CPU per request at fixed rates, tracing on (100%, OTLP gRPC) versus OTEL_SDK_DISABLED=true. */
export async function cpu(s: Settings, log: (line: string) => void): Promise<{ rows: CpuRow[]; run: SteadyRun }> {
  const run = await steady([ON, OFF], s.rates, { rounds: s.cpuRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  return { rows: cpuRows(run.windows, 'on', 'off'), run };
}

/** `config` against `baseline`, one row per endpoint; rounds pair the two. */
export function cpuRows(windows: Window[], config: string, baseline: string): CpuRow[] {
  const rows: CpuRow[] = [];
  for (const endpoint of endpointsOf(windows)) {
    const of = (name: string) => roundsOf(windows, endpoint, name);
    const on = of(config);
    const off = of(baseline);
    const spans = on.map((w) => w.spans / w.requests);
    const services = Object.keys(on[0].cpuMillis);
    rows.push({
      endpoint,
      rate: on[0].rate,
      on: stat(on.map((w) => perRequest(w))),
      off: stat(off.map((w) => perRequest(w))),
      ratio: stat(on.map((w, i) => perRequest(w) / perRequest(off[i]))),
      spansPerRequest: stat(spans),
      non2xx: [...on, ...off].reduce((n, w) => n + w.non2xx + w.errors, 0),
      requests: [...on, ...off].reduce((n, w) => n + w.requests, 0),
      achieved: { on: stat(on.map((w) => w.achievedRate)), off: stat(off.map((w) => w.achievedRate)) },
      microsPerSpan: stat(on.map((w, i) => ((perRequest(w) - perRequest(off[i])) * 1000) / spans[i])),
      services: Object.fromEntries(
        services.map((svc) => [svc, { on: stat(on.map((w) => perRequest(w, svc))).median, off: stat(off.map((w) => perRequest(w, svc))).median }]),
      ),
    });
  }
  return rows;
}
