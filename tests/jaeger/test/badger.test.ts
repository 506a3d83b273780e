import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { fromLegacy, legacyTrace } from './support/jaeger-api';
import { freePorts, jaegerSuite, located, scripts, type Ports, type RunningJaeger } from './support/jaeger';
import { call, order, startTracedStack } from './support/stack';

const REQUESTS = 240;

/**
 * Badger storage as `npm run dev -- --jaeger --badger` runs it (local.yaml + badger.yaml): traces
 * written by the three services, Jaeger stopped and started again on the same folder, every trace read
 * back whole; the bytes per span on disk; and the TTL that bounds how long they stay.
 */
jaegerSuite('Badger storage keeps every trace across a Jaeger restart', () => {
  let dir: string;
  let ports: Ports;
  let jaeger: RunningJaeger | undefined;
  let stack: Stack;
  const written = new Map<string, string[]>();
  const figures: string[] = [];
  const start = async (ttl?: string) => {
    const { startJaeger } = await scripts();
    if ('missing' in located) throw new Error(located.missing);
    return startJaeger({ bin: located.bin, ports, badger: { dir: join(dir, 'badger'), ttl }, readyTimeoutMs: 30_000 });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracelab-badger-'));
    ports = await freePorts();
    jaeger = await start();
    stack = await startTracedStack(jaeger.urls.otlpGrpc);
    const api = stack.urls.gateway;
    const ids: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const res = i % 4 === 0 ? await order(api, `customer-badger-${i % 7}`, [['SKU-002', 1]]) : await call(api, 'GET', i % 4 === 1 ? '/api/products' : `/api/products/SKU-00${(i % 5) + 1}`);
      assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.traceId);
    }
    // Every trace whole in Jaeger before the restart: its span ids, to compare after.
    const deadline = Date.now() + 30_000;
    for (const id of ids) {
      let spans: string[] = [];
      while (Date.now() < deadline) {
        const trace = await legacyTrace(jaeger.urls.ui, id);
        spans = trace ? fromLegacy(trace).map((s) => s.spanId).sort() : [];
        // The gateway's server span ends last; once it is there with a child, the services have exported.
        if (trace && spans.length >= 3) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      written.set(id, spans);
    }
    // Spans still on their way for the last traces: give them a second more, then read all once again.
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids) {
      const trace = await legacyTrace(jaeger.urls.ui, id);
      written.set(id, trace ? fromLegacy(trace).map((s) => s.spanId).sort() : []);
    }
  });
  after(async () => {
    if (figures.length) console.log(`Badger figures (load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}):\n${figures.join('\n')}`);
    await stack?.stop();
    await jaeger?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(`${REQUESTS} traces written, Jaeger restarted, every trace read back with the same spans`, async () => {
    const spans = [...written.values()].reduce((n, s) => n + s.length, 0);
    assert.equal([...written.values()].filter((s) => s.length === 0).length, 0, 'every trace stored before the restart');
    const stopped = Date.now();
    await jaeger!.stop();
    // Closed cleanly, Badger has flushed its memtables: what is on disk now is what survives.
    const bytes = folderBytes(join(dir, 'badger'));
    jaeger = await start();
    figures.push(`restart: stopped and up again in ${((Date.now() - stopped) / 1000).toFixed(1)} s (ready ${jaeger.readyAfterMs} ms)`);
    let lost = 0;
    for (const [id, before] of written) {
      const trace = await legacyTrace(jaeger.urls.ui, id);
      const after = trace ? fromLegacy(trace).map((s) => s.spanId).sort() : [];
      if (after.join() !== before.join()) lost++;
      assert.deepEqual(after, before, `trace ${id} after the restart`);
    }
    figures.push(`${written.size} traces, ${spans} spans written; after the restart ${written.size - lost} traces read back whole, ${lost} lost`);
    figures.push(`on disk after a clean stop: ${bytes.total} bytes (${bytes.detail}): ${(bytes.total / spans).toFixed(0)} bytes per span, ${(bytes.total / written.size / 1024).toFixed(1)} KiB per trace`);
    assert.ok(bytes.total > spans * 100, `${bytes.total} bytes for ${spans} spans: the spans are on disk`);
  });

  test('spans written after the restart are stored too (the same folder, opened again)', async () => {
    const res = await call(stack.urls.gateway, 'GET', '/api/products/SKU-001');
    const deadline = Date.now() + 15_000;
    let trace;
    // The services' exporters reconnect to the restarted Jaeger by themselves.
    while (!(trace = await legacyTrace(jaeger!.urls.ui, res.traceId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    assert.ok(trace, `trace ${res.traceId} after the restart`);
  });

  test('the TTL bounds how long spans stay: with ttl.spans=3s a trace is gone after it', async () => {
    await jaeger!.stop();
    jaeger = await start('3s');
    const res = await call(stack.urls.gateway, 'GET', '/api/products/SKU-004');
    const deadline = Date.now() + 2500;
    let seen = false;
    while (!seen && Date.now() < deadline) seen = !!(await legacyTrace(jaeger.urls.ui, res.traceId));
    assert.ok(seen, 'the trace is there within its TTL');
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(await legacyTrace(jaeger.urls.ui, res.traceId), undefined, 'gone once its TTL passed');
  });
});

/** Bytes of the files under `dir` (Badger's SSTables, value log, manifest), and how they split. */
function folderBytes(dir: string): { total: number; detail: string } {
  const byKind = new Map<string, number>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        // DISCARD is a fixed 1 MiB file Badger preallocates; a .mem file is a preallocated memtable log.
        const kind = entry.name.includes('.') ? entry.name.split('.').pop()! : entry.name;
        byKind.set(kind, (byKind.get(kind) ?? 0) + statSync(path).blocks * 512);
      }
    }
  };
  walk(dir);
  const counted = [...byKind].filter(([kind]) => kind !== 'DISCARD' && kind !== 'mem');
  return { total: counted.reduce((n, [, b]) => n + b, 0), detail: [...byKind].map(([k, b]) => `${k} ${b}`).join(', ') + '; DISCARD and .mem preallocated, not counted' };
}
