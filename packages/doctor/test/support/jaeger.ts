// A real Jaeger v2 for the API v3 client: the binary scripts/jaeger finds (JAEGER_BIN, PATH, or the
// one `npm run jaeger:build` left in the cache), on free ports, as tests/jaeger starts it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@tracelab/devdb';

const root = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) dir = resolve(dir, '..');
  return dir;
})();

export interface RunningJaeger {
  urls: { ui: string; otlpHttp: string };
  stop(): Promise<void>;
}

type Located = { bin: string } | { missing: string };
// locate.mjs has no top-level await: Node 24 can require() it synchronously, before describe() needs the answer.
const located = (require(join(root, 'scripts/jaeger/locate.mjs')) as { findJaeger(): Located }).findJaeger();

/** False when Jaeger can run here, else the one-line reason the suite skips. */
export const jaegerSkipReason: string | false = 'missing' in located ? `${located.missing} (run \`npm run jaeger:build\`, needs Go)` : false;

export async function startJaeger(): Promise<RunningJaeger> {
  if ('missing' in located) throw new Error(located.missing);
  const { startJaeger: start } = (await import(pathToFileURL(join(root, 'scripts/jaeger/start.mjs')).href)) as {
    startJaeger(o: { bin: string; ports: Record<string, number>; readyTimeoutMs?: number }): Promise<RunningJaeger>;
  };
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [otlpGrpc, otlpHttp, query, queryGrpc, health] = [...ports];
  return start({ bin: located.bin, ports: { otlpGrpc, otlpHttp, query, queryGrpc, health }, readyTimeoutMs: 30_000 });
}
