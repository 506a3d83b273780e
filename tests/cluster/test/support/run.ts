// Commands against the local cluster, each bounded, with what was waited for in every failure.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json declares workspaces. */
export const ROOT = (() => {
  for (let dir = resolve(__dirname); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json with "workspaces" above ${__dirname}`);
  }
})();
/** Full logs of the long commands (skaffold run, cluster up), for when the tail is not enough. */
export const LOGS = join(ROOT, '.tracelab', 'cluster-tests');

export interface Result {
  code: number | null;
  output: string;
  seconds: number;
}

/**
 * Runs a command to its end or `timeoutMs`, whichever comes first (then SIGTERM, SIGKILL 10 s later).
 * Output goes to LOGS/<log> and its last 30 lines come back in `output`.
 */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; log: string }): Promise<Result> {
  mkdirSync(LOGS, { recursive: true });
  const file = createWriteStream(join(LOGS, options.log));
  const began = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d: Buffer) => {
        file.write(d);
        tail = (tail + d.toString()).slice(-20_000);
      });
    }
    let timedOut = false;
    const term = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, options.timeoutMs);
    const done = (code: number | null, extra = '') => {
      clearTimeout(term);
      file.end();
      const lines = tail.trimEnd().split('\n').slice(-30).join('\n');
      const why = timedOut ? `\n(${cmd} ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s; full log ${join(LOGS, options.log)})` : `\n(full log ${join(LOGS, options.log)})`;
      resolvePromise({ code: timedOut ? null : code, output: `${lines}${extra}${why}`, seconds: (Date.now() - began) / 1000 });
    };
    child.on('error', (e) => done(null, `\n${e.message}`));
    child.on('close', (code) => done(code));
  });
}

/** A short command (kubectl get, helm list): stdout, or an error naming the command and its stderr. */
export function capture(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error) return { code: null, stdout: r.stdout ?? '', stderr: `${cmd} ${args.join(' ')}: ${r.error.message}` };
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function json<T>(cmd: string, args: string[], env: NodeJS.ProcessEnv): T {
  const r = capture(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * Polls `check` until it returns { done: true } or `timeoutMs` passes; the failure says what was
 * waited for, for how long, and the last state seen.
 */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<{ done: boolean; state: string }> | { done: boolean; state: string }, intervalMs = 2000): Promise<number> {
  const began = Date.now();
  let state = '(not checked yet)';
  while (Date.now() - began < timeoutMs) {
    try {
      const r = await check();
      state = r.state;
      if (r.done) return (Date.now() - began) / 1000;
    } catch (e) {
      state = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`waited ${timeoutMs / 1000} s for ${what}; last seen: ${state}`);
}
