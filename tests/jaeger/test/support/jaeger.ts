// One Jaeger per test file: the binary scripts/jaeger finds (JAEGER_BIN, PATH, or the one
// `npm run jaeger:build` left), on free ports, with the Jaeger UI from ../shared when present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { freePort } from '@tracelab/devdb';

/** The checkout root: the first directory above this file with the lockfile (workspaces have none; some have a turbo.json). */
export const root = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) dir = resolve(dir, '..');
  return dir;
})();

export interface Ports {
  otlpGrpc: number;
  otlpHttp: number;
  query: number;
  queryGrpc: number;
  health: number;
}
export interface RunningJaeger {
  process: import('node:child_process').ChildProcess;
  args: string[];
  urls: { ui: string; otlpGrpc: string; otlpHttp: string; health: string; spanMetrics?: string; prometheus?: string; telemetry?: string };
  readyAfterMs: number;
  log(): string[];
  stop(): Promise<void>;
}
export type StartOptions = Parameters<StartModule['startJaeger']>[0];
interface StartModule {
  startJaeger(options: {
    bin: string;
    host?: string;
    ports?: Partial<Ports>;
    args?: string[];
    uiAssets?: string;
    maxTraces?: number;
    spm?: { port: number; prometheusUrl: string };
    onLine?: (line: string) => void;
    tailSampling?: { percent?: number; decisionWaitMs?: number };
    badger?: { dir: string; ttl?: string };
    telemetryPort?: number;
    configs?: string[];
    readyTimeoutMs?: number;
    env?: NodeJS.ProcessEnv;
  }): Promise<RunningJaeger>;
  endpointArgs(host: string, ports: Ports): string[];
  localConfig: string;
}
type Located = { bin: string; source: string; version?: string; ui?: string } | { missing: string };
interface LocateModule {
  findJaeger(env?: NodeJS.ProcessEnv): Located;
  uiAssets(version?: string): string | undefined;
}

// The helpers are ES modules shared with scripts/dev.mjs; import() loads them from this CommonJS test.
const load = async <T>(file: string) => (await import(pathToFileURL(join(root, 'scripts/jaeger', file)).href)) as T;
export const scripts = async () => ({ ...(await load<StartModule>('start.mjs')), ...(await load<LocateModule>('locate.mjs')) });

/** The binary, or the one-line reason the tests skip. Computed once, before describe() needs it. */
export const located: Located = (() => {
  // locate.mjs has no top-level await, so Node 24 can require() it synchronously here.
  const { findJaeger } = require(join(root, 'scripts/jaeger/locate.mjs')) as LocateModule;
  return findJaeger();
})();
export const skipReason = 'missing' in located ? `${located.missing} (run \`npm run jaeger:build\`, needs Go)` : false;

/** A binary built from the Go module serves a placeholder page: its UI must come from ../shared. */
export const uiSkipReason = (() => {
  if (!('source' in located) || located.source !== 'cache') return false;
  const { uiAssets } = require(join(root, 'scripts/jaeger/locate.mjs')) as LocateModule;
  return uiAssets(located.ui) ? false : `no Jaeger UI to serve: ${join(root, '../shared/reference/jaeger-ui')} is absent and a binary built from the Go module has none`;
})();

/**
 * describe() when the suite can run; otherwise one skipped test carrying the reason, so the skip
 * prints one line and is counted and listed with its reason, as every skip is.
 */
export function jaegerSuite(name: string, fn: () => void, skip: string | false = skipReason): void {
  if (skip) test(name, { skip }, () => {});
  else describe(name, fn);
}

/** Distinct free ports (the kernel may hand the same ephemeral port out twice in a row). */
export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Jaeger's five listeners on free ports. */
export async function freePorts(): Promise<Ports> {
  const [otlpGrpc, otlpHttp, query, queryGrpc, health] = await distinctFreePorts(5);
  return { otlpGrpc, otlpHttp, query, queryGrpc, health };
}

/** Starts Jaeger with TraceLab's local configuration on free ports; the UI from ../shared when the binary has none. */
export async function startTestJaeger(options: { ui?: boolean } = {}): Promise<{ jaeger: RunningJaeger; ui?: string; version: string }> {
  if ('missing' in located) throw new Error(located.missing);
  const { startJaeger, uiAssets } = await scripts();
  const ui = options.ui === false ? undefined : uiAssets(located.ui);
  const start = async () => startJaeger({ bin: located.bin, ports: await freePorts(), uiAssets: ui, readyTimeoutMs: 30_000 });
  // Other processes on this machine take ephemeral ports too: one more try if one was taken in between.
  const jaeger = await start().catch((error: Error) => (/address already in use/.test(error.message) ? start() : Promise.reject(error)));
  return { jaeger, ui, version: located.version ?? versionOf(located.bin) };
}

/** `jaeger version` prints JSON with gitVersion; a release binary (JAEGER_BIN) has it set. */
function versionOf(bin: string): string {
  const out = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  return /"gitVersion":\s*"([^"]+)"/.exec(`${out.stdout}${out.stderr}`)?.[1] ?? 'unknown';
}

/** True when a Jaeger version such as "v2.12.0" is at least major.minor. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}
