// Child process of http-hooks.ts, started with `--require @tracelab/tracing/register`: a front server
// that reads the body, calls a downstream server with fetch and answers, loaded by a keep-alive
// client in the same process; prints its own CPU µs per request. No database, no Nest: what is left
// to differ between runs is the HTTP instrumentation.
import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Context churn: every AsyncLocalStorage entry. `run` with the store already active switches nothing
// (Node 24's AsyncContextFrame returns early); a real switch is two `enterWith` calls, in and out.
const churn = { run: 0, enterWith: 0 };
for (const name of ['run', 'enterWith'] as const) {
  const original = AsyncLocalStorage.prototype[name] as (...args: unknown[]) => unknown;
  (AsyncLocalStorage.prototype as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    churn[name]++;
    return original.apply(this, args);
  };
}

const method = process.env.HOOKS_METHOD ?? 'GET';
const count = Number(process.env.HOOKS_REQUESTS ?? 3000);
const port = (s: http.Server) => (s.address() as AddressInfo).port;

const downstream = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{"ok":true}'));
});
const front = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  await once(req, 'end');
  const answer = await fetch(`http://127.0.0.1:${port(downstream)}/x`, { method, body: method === 'POST' ? Buffer.concat(chunks) : undefined });
  await answer.text();
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
});

async function main() {
  downstream.listen(0, '127.0.0.1');
  front.listen(0, '127.0.0.1');
  await Promise.all([once(downstream, 'listening'), once(front, 'listening')]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: port(front), method, agent, path: '/api/x' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{"sku":"a","quantity":1}' : undefined);
    });
  for (let i = 0; i < 300; i++) await send();
  const churnBefore = { ...churn };
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 4) await Promise.all([send(), send(), send(), send()]);
  const used = process.cpuUsage(before);
  const perRequest = (k: keyof typeof churn) => (churn[k] - churnBefore[k]) / count;
  process.stdout.write(`${JSON.stringify({ microsPerRequest: (used.user + used.system) / count, runs: perRequest('run'), enterWiths: perRequest('enterWith') })}\n`);
  agent.destroy();
  front.close();
  downstream.close();
}

void main().then(() => process.exit(0));
