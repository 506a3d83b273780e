import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OFF, ON } from './cpu';
import { category, readProfile, timeByOwner } from './cpuprofile';
import type { Settings } from './settings';
import { endpointsOf, steady, type Window } from './steady';

export interface ProfileRow {
  endpoint: string;
  category: string;
  /** µs of CPU per request, three services together: the category's share of the sampled busy time, times the measured CPU. */
  on: number;
  off: number;
}

const INTERVAL_MICROS = 500;
/** CPU of the threads a profile does not sample: V8's GC helpers and compilers, libuv's pool, V8's sampler. */
export const OTHER_THREADS = 'other threads (GC helpers, compiler, libuv, the profiler itself)';

/**
 * Tracing on and off under the same fixed-rate windows as the headline, each service run with
 * --cpu-prof. Only samples inside the measured windows count (the profile clock is process.hrtime),
 * so start-up and warm-up are left out. The sampler runs on wall-clock time: on a shared machine a
 * descheduled thread still collects samples, so shares are taken from the profile and the absolute
 * CPU from /proc: the main thread's is spread over the profile's categories, the other threads' is
 * one category of its own.
 */
export async function profile(s: Settings, dir: string, log: (line: string) => void): Promise<{ rows: ProfileRow[]; dir: string }> {
  rmSync(dir, { recursive: true, force: true });
  const configs = [ON, OFF].map((c) => {
    const out = join(dir, c.name);
    mkdirSync(out, { recursive: true, mode: 0o755 });
    return { ...c, env: { ...c.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${out} --cpu-prof-interval=${INTERVAL_MICROS}` } };
  });
  const run = await steady(configs, s.rates, { rounds: s.attributionRounds, warmupSeconds: s.warmupSeconds, windowSeconds: s.cpuWindowSeconds }, log);
  const rows: ProfileRow[] = [];
  for (const endpoint of endpointsOf(run.windows)) {
    const perConfig = Object.fromEntries(
      configs.map((c) => [c.name, attribute(join(dir, c.name), run.pids[c.name], run.windows.filter((w) => w.config === c.name && w.endpoint === endpoint))]),
    );
    const categories = new Set([...Object.keys(perConfig.on), ...Object.keys(perConfig.off)]);
    for (const cat of categories) rows.push({ endpoint, category: cat, on: perConfig.on[cat] ?? 0, off: perConfig.off[cat] ?? 0 });
  }
  return { rows, dir };
}

/** µs of CPU per request by category for one configuration's windows of one endpoint. */
function attribute(dir: string, pids: Record<string, number>, windows: Window[]): Record<string, number> {
  const ranges = windows.map((w): [number, number] => [w.fromMicros, w.toMicros]);
  const requests = windows.reduce((n, w) => n + w.requests, 0);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const out: Record<string, number> = {};
  for (const [service, pid] of Object.entries(pids)) {
    const file = files.find((f) => f.split('.')[3] === String(pid));
    if (!file) throw new Error(`profile: no .cpuprofile for ${service} (pid ${pid}) in ${dir}; did it exit cleanly?`);
    const times = timeByOwner(readProfile(join(dir, file)), ranges);
    times.delete('(idle)');
    const busy = [...times.values()].reduce((a, b) => a + b, 0);
    const mainMicros = windows.reduce((n, w) => n + w.mainThreadMillis[service], 0) * 1000;
    const otherMicros = windows.reduce((n, w) => n + w.cpuMillis[service], 0) * 1000 - mainMicros;
    for (const [who, micros] of times) {
      const cat = category(who);
      out[cat] = (out[cat] ?? 0) + (busy ? (micros / busy) * mainMicros : 0) / requests;
    }
    out[OTHER_THREADS] = (out[OTHER_THREADS] ?? 0) + otherMicros / requests;
  }
  return out;
}
