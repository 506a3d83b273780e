// Where the Prometheus binary comes from: PROMETHEUS_BIN, then `prometheus` on PATH (Debian's
// package works too: Jaeger only calls its query API), then the one `npm run prometheus:build` left
// in the user's cache (~/.cache/tracelab/prometheus/<version>/).
import { executable, onPath } from '../jaeger/locate.mjs';
import { prometheus, prometheusPaths } from './versions.mjs';

/** @returns {{ bin: string, source: 'PROMETHEUS_BIN' | 'PATH' | 'cache', version?: string } | { missing: string }} */
export function findPrometheus(env = process.env) {
  if (env.PROMETHEUS_BIN) {
    return executable(env.PROMETHEUS_BIN) ? { bin: env.PROMETHEUS_BIN, source: 'PROMETHEUS_BIN' } : { missing: `PROMETHEUS_BIN=${env.PROMETHEUS_BIN} is not an executable file` };
  }
  const path = onPath('prometheus', env);
  if (path) return { bin: path, source: 'PATH' };
  const { bin, dir } = prometheusPaths(env);
  if (executable(bin)) return { bin, source: 'cache', version: prometheus.version };
  return { missing: `no Prometheus binary: PROMETHEUS_BIN is unset, no \`prometheus\` on PATH, and \`npm run prometheus:build\` has not built one into ${dir}` };
}
