import { cpuRows, OFF, ON, perRequest, stat, type CpuRow } from './cpu';
import type { Settings } from './settings';
import { endpointsOf, roundsOf, steady, type Config } from './steady';

/** The default set, by the short names OTEL_NODE_DISABLED_INSTRUMENTATIONS takes (packages/tracing/src/instrumentations.ts). */
export const INSTRUMENTATIONS = ['http', 'undici', 'pg', 'pino'];

export interface InstrumentationRow {
  endpoint: string;
  config: string;
  /** Median ms of CPU per request. */
  cpu: number;
  spansPerRequest: number;
  /** on − this configuration, round by round: what leaving this one instrumentation out saves, in ms. */
  saves: ReturnType<typeof stat>;
}

/**
 * Tracing on with one instrumentation left out, for each in turn, next to on and off: all stacks
 * alive at once and loaded round-robin, as in the headline. Also shows whether disabling really
 * removes that instrumentation's spans.
 */
export async function instrumentations(s: Settings, log: (line: string) => void): Promise<{ rows: InstrumentationRow[]; headline: CpuRow[] }> {
  const without: Config[] = INSTRUMENTATIONS.map((name) => ({ name: `without ${name}`, tracing: true, env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: name } }));
  const configs = [ON, ...without, OFF];
  const run = await steady(configs, s.rates, { rounds: s.attributionRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  const rows: InstrumentationRow[] = [];
  for (const endpoint of endpointsOf(run.windows)) {
    const of = (name: string) => roundsOf(run.windows, endpoint, name);
    const on = of(ON.name);
    for (const config of configs) {
      const ws = of(config.name);
      rows.push({
        endpoint,
        config: config.name,
        cpu: stat(ws.map((w) => perRequest(w))).median,
        spansPerRequest: stat(ws.map((w) => w.spans / w.requests)).median,
        saves: stat(ws.map((w, i) => perRequest(on[i]) - perRequest(w))),
      });
    }
  }
  return { rows, headline: cpuRows(run.windows, ON.name, OFF.name) };
}
