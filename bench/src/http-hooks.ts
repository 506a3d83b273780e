import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stat, type Stat } from './cpu';
import type { Settings } from './settings';

/** Upstream instrumentation-http, TraceLab's diagnostics-channel one, and tracing off. */
const CONFIGS: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'upstream', env: { TRACING_HTTP_INSTRUMENTATION: 'upstream' } },
  { name: 'diagnostics channel', env: {} },
  { name: 'off', env: { OTEL_SDK_DISABLED: 'true' } },
];

export interface HooksRow {
  method: string;
  /** CPU µs per request of each configuration, over the rounds. */
  micros: Record<string, Stat>;
  /** upstream − diagnostics channel, round by round. */
  saves: Stat;
  /** AsyncLocalStorage `run` and `enterWith` calls per request, last round (they do not vary). */
  churn: Record<string, { runs: number; enterWiths: number }>;
}

/**
 * The HTTP instrumentation's own cost, without the services around it (`--only hooks`): one process
 * (two servers and a fetch between them, see http-hooks-app.ts) per configuration and round, in turn,
 * with the `always_off` sampler, so that hooks and context switches are measured and no span is
 * recorded or exported (the same for both instrumentations). Small next to a whole request, so the
 * three-service lever table cannot resolve it on a shared machine; here it is most of what differs.
 */
export function httpHooks(s: Settings, log: (line: string) => void): HooksRow[] {
  const rows: HooksRow[] = [];
  for (const method of ['GET', 'POST']) {
    const per: Record<string, number[]> = Object.fromEntries(CONFIGS.map((c) => [c.name, []]));
    const churn: HooksRow['churn'] = {};
    for (let round = 1; round <= s.cpuRounds; round++) {
      for (const config of CONFIGS) {
        const out = execFileSync(process.execPath, ['--require', '@tracelab/tracing/register', join(__dirname, 'http-hooks-app.js')], {
          env: {
            PATH: process.env.PATH,
            OTEL_SERVICE_NAME: 'http-hooks',
            OTEL_TRACES_SAMPLER: 'always_off',
            OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
            HOOKS_METHOD: method,
            HOOKS_REQUESTS: String(s.smoke ? 200 : 3000),
            ...config.env,
          },
          encoding: 'utf8',
        });
        const result = JSON.parse(out.trim().split('\n').at(-1)!) as { microsPerRequest: number; runs: number; enterWiths: number };
        const micros = result.microsPerRequest;
        churn[config.name] = { runs: result.runs, enterWiths: result.enterWiths };
        per[config.name].push(micros);
        log(`  round ${round}, ${method} ${config.name}: ${micros.toFixed(0)} µs per request`);
      }
    }
    rows.push({
      method,
      micros: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, stat(v)])),
      saves: stat(per.upstream.map((u, i) => u - per['diagnostics channel'][i])),
      churn,
    });
  }
  return rows;
}
