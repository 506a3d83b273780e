import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import type { FakeCollector } from '@tracelab/tracing/testing';

export interface Service {
  url: string;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** SIGTERM; resolves once the process exited: true when it exited by itself (code 0, or the SIGTERM Nest re-raises after its shutdown hooks). */
  stop(): Promise<{ clean: boolean; millis: number }>;
}

/**
 * One TraceLab service exactly as production starts it (`node --require @tracelab/tracing/register
 * dist/main.js`), for checks that need no other service: cheaper than a whole stack.
 */
export async function startService(name: 'inventory' | 'orders', port: number, env: Record<string, string>): Promise<Service> {
  const cwd = dirname(require.resolve(`@tracelab/${name}/package.json`));
  const child = spawn(process.execPath, ['--require', '@tracelab/tracing/register', 'dist/main.js'], {
    cwd,
    env: { ...process.env, OTEL_SERVICE_NAME: name, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = collectLines(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`${name} not ready in 60 s:\n${lines.join('\n')}`);
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  return { url, lines, stop: () => terminate(child) };
}

function collectLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
  }
  return lines;
}

function terminate(child: ChildProcess): Promise<{ clean: boolean; millis: number }> {
  const started = Date.now();
  if (child.exitCode !== null) return Promise.resolve({ clean: child.exitCode === 0, millis: 0 });
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      resolve({ clean: code === 0 || signal === 'SIGTERM', millis: Date.now() - started });
    });
    child.kill('SIGTERM');
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no span arrived for `quietMillis` (services export every 100 ms in these tests), so that
 * everything one request caused is counted, even when a disabled instrumentation split its trace.
 */
export async function settle(collector: FakeCollector, atLeast = 1, quietMillis = 600, maxMillis = 15_000): Promise<void> {
  const deadline = Date.now() + maxMillis;
  let last = -1;
  while (Date.now() < deadline) {
    const now = collector.spanCount;
    if (now === last && now >= atLeast) return;
    last = now;
    await sleep(quietMillis);
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function request(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers = { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers };
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
