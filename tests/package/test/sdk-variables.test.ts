import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { FakeCollector } from '@tracelab/tracing/testing';
import { request, settle, sleep, startService, type Service } from './support/processes';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const SUMMARY = /^tracing: (\d+) spans ended, (\d+) exported, (\d+) failed to export, (\d+) dropped or unsent$/;

/**
 * The package's other documented variables, each checked in a running inventory service (the one
 * service that needs no other): what reaches the collector, what the answers and the logs say.
 */
describe('OTEL_* variables in a running service', () => {
  const collector = new FakeCollector();
  let db: DevDatabase;
  const running = new Set<Service>();
  const inventory = async (env: Record<string, string>, endpoint = collector.endpoint) => {
    const service = await startService('inventory', await freePort(), {
      DATABASE_URL: db.urlFor('inventory'),
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'warn',
      ...env,
    });
    running.add(service);
    return service;
  };
  const stop = async (service: Service) => {
    running.delete(service);
    return service.stop();
  };

  before(async () => {
    await collector.start();
    db = await startDevDatabase({ databases: ['inventory'] });
  });
  after(async () => {
    for (const service of running) await service.stop();
    await collector.stop();
    await db?.stop();
  });

  test('OTEL_SDK_DISABLED=true: the service answers, no span is sent, no traceresponse, no shutdown line', async () => {
    collector.clear();
    const service = await inventory({ OTEL_SDK_DISABLED: 'true' });
    for (let i = 0; i < 3; i++) {
      const answer = await request(`${service.url}/products`);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('traceresponse'), null);
    }
    await sleep(700);
    const { clean } = await stop(service);
    assert.ok(clean, service.lines.join('\n'));
    assert.equal(collector.spanCount, 0);
    assert.deepEqual(service.lines.filter((l) => l.startsWith('tracing:')), []);
  });

  test('OTEL_TRACES_SAMPLER=parentbased_traceidratio, _ARG=0.1: about one root in ten is sampled; a sampled parent always is', async () => {
    collector.clear();
    const service = await inventory({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    let sampled = 0;
    const roots = 100;
    for (let i = 0; i < roots; i++) {
      const flags = (await request(`${service.url}/products`)).headers.get('traceresponse')?.slice(-2);
      if (flags === '01') sampled++;
    }
    const parents = Array.from({ length: 5 }, () => hex(16));
    for (const traceId of parents) {
      const answer = await request(`${service.url}/products`, { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });
      assert.equal(answer.headers.get('traceresponse')?.slice(0, 35), `00-${traceId}`);
    }
    await settle(collector, 1);
    await stop(service);
    const servers = collector.spans().filter((s) => s.kind === SpanKind.SERVER);
    console.log(`traceidratio 0.1: ${sampled} of ${roots} root requests sampled; ${servers.length} SERVER spans exported`);
    // Binomial(100, 0.1): outside 1..30 has a probability below 1e-4; 0.5 or 1.0 would give ~50 or 100.
    assert.ok(sampled >= 1 && sampled <= 30, `${sampled} of ${roots} sampled`);
    assert.equal(servers.length, sampled + parents.length);
    for (const traceId of parents) assert.ok(servers.some((s) => s.traceId === traceId), `parent-sampled trace ${traceId} exported`);
  });

  test('OTEL_PROPAGATORS=b3, OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1', async () => {
    collector.clear();
    const service = await inventory({
      OTEL_PROPAGATORS: 'b3',
      OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=inventory-7d9f,team=shop',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1',
    });
    const [b3Trace, b3Parent, w3cTrace] = [hex(16), hex(8), hex(16)];
    assert.equal((await request(`${service.url}/products`, { headers: { b3: `${b3Trace}-${b3Parent}-1` } })).status, 200);
    assert.equal((await request(`${service.url}/products`, { headers: { traceparent: `00-${w3cTrace}-${hex(8)}-01` } })).status, 200);
    await settle(collector, 2);
    await stop(service);
    const servers = collector.spans().filter((s) => s.kind === SpanKind.SERVER);
    assert.equal(servers.length, 2);
    const [fromB3, fromW3c] = servers.sort((a, b) => a.startMs - b.startMs);
    assert.equal(fromB3.traceId, b3Trace, 'the b3 header is extracted');
    assert.equal(fromB3.parentSpanId, b3Parent);
    assert.notEqual(fromW3c.traceId, w3cTrace, 'traceparent is not a configured propagator: a new trace starts');
    assert.equal(fromW3c.parentSpanId, undefined);
    for (const s of collector.spans()) {
      assert.equal(s.resource['k8s.pod.name'], 'inventory-7d9f');
      assert.equal(s.resource.team, 'shop');
      assert.equal(s.resource['service.name'], 'inventory');
    }
    assert.equal(collector.requests, collector.spanCount, 'one span per export call');
  });

  test('OTEL_BSP_SCHEDULE_DELAY=20000: nothing is sent for seconds; SIGTERM flushes it all', async () => {
    collector.clear();
    const service = await inventory({ OTEL_BSP_SCHEDULE_DELAY: '20000' });
    assert.equal((await request(`${service.url}/products`)).status, 200);
    await sleep(1500);
    assert.equal(collector.spanCount, 0, 'spans wait for the schedule delay');
    await stop(service);
    const [, ended, exported] = SUMMARY.exec(service.lines.find((l) => SUMMARY.test(l)) ?? '') ?? [];
    assert.ok(Number(ended) > 0);
    assert.equal(Number(exported), Number(ended));
    assert.equal(collector.spanCount, Number(ended), 'the shutdown flush delivered every span');
  });

  describe('export timeout against a collector that accepts and never answers', () => {
    let blackHole: Server;
    const sockets = new Set<Socket>();
    let endpoint = '';
    before(async () => {
      blackHole = createServer((s) => sockets.add(s));
      await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
      endpoint = `http://127.0.0.1:${(blackHole.address() as { port: number }).port}`;
    });
    after(() => {
      for (const s of sockets) s.destroy();
      blackHole.close();
    });

    const variants: Array<Record<string, string>> = [{ OTEL_EXPORTER_OTLP_TIMEOUT: '300' }, { OTEL_EXPORTER_OTLP_TIMEOUT: '10000', OTEL_BSP_EXPORT_TIMEOUT: '300' }];
    for (const env of variants) {
      const name = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(', ');
      test(`${name}, OTEL_BSP_MAX_QUEUE_SIZE=2: exports give up after 300 ms, overflow is counted, shutdown stays bounded`, async () => {
        const service = await inventory({ ...env, OTEL_BSP_MAX_QUEUE_SIZE: '2' }, endpoint);
        for (let i = 0; i < 3; i++) assert.equal((await request(`${service.url}/products`)).status, 200);
        const deadline = Date.now() + 5000;
        while (!service.lines.some((l) => l.includes('cannot be exported')) && Date.now() < deadline) await sleep(20);
        const { clean, millis } = await stop(service);
        const summary = service.lines.find((l) => SUMMARY.test(l)) ?? '';
        console.log(`${name}: shutdown ${millis} ms; ${summary}; ${service.lines.find((l) => l.includes('cannot be exported'))}`);
        assert.ok(clean, service.lines.join('\n'));
        const [, ended, exported, failed, dropped] = (SUMMARY.exec(summary) ?? []).map(Number);
        assert.equal(exported, 0);
        assert.ok(failed > 0, `the exporter gave up and said so: ${summary}`);
        assert.ok(dropped > 0 && ended > failed, `a queue of 2 overflows: ${summary}`);
        // The shutdown flush is one more export into the black hole: with the default 1500 ms it would take 1.5 s.
        assert.ok(millis < 1200, `shutdown took ${millis} ms`);
      });
    }
  });
});
