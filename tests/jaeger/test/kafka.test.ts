import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Stack } from '@tracelab/devstack';
import { fromLegacy, legacyTrace, SERVER } from './support/jaeger-api';
import { distinctFreePorts, freePorts, jaegerSuite, located, root, scripts, skipReason, type RunningJaeger } from './support/jaeger';
import { call, startTracedStack } from './support/stack';

interface KafkaModule {
  kafkaClasspath(options?: { log?: (line: string) => void }): { classpath: string } | { missing: string };
  startKafka(options: { classpath: string; dataDir: string; port: number; controllerPort: number }): Promise<{ brokers: string; stop(): Promise<void>; log(): string[] }>;
  kafkaCollectorArgs(host: string, ports: object, brokers: string): string[];
  kafkaIngesterArgs(brokers: string): string[];
}
// kafka.mjs has no top-level await, so Node 24 can require() it synchronously here.
const kafka = require(join(root, 'scripts/jaeger/kafka.mjs')) as KafkaModule;
const resolved = skipReason ? undefined : kafka.kafkaClasspath();
const kafkaSkip: string | false = skipReason || (resolved && 'missing' in resolved ? resolved.missing : false);

/**
 * Collector → Kafka → ingester, as Jaeger's own kafka-collector and kafka-ingester configurations run
 * it: the services export to a Jaeger collector whose only exporter is Kafka (one KRaft node from Maven
 * Central), a second Jaeger reads the topic into storage and answers the query API. Kafka is stopped
 * and started again while the services go on: no span is lost, by Jaeger's own counters on both sides
 * and by every trace read back.
 */
jaegerSuite('collector → Kafka → ingester loses no span across a Kafka restart', () => {
  let dir: string;
  let broker: Awaited<ReturnType<KafkaModule['startKafka']>> | undefined;
  let collector: RunningJaeger;
  let ingester: RunningJaeger;
  let stack: Stack;
  let kafkaPorts: number[];
  const traces: Array<{ id: string; phase: string }> = [];
  const figures: string[] = [];
  const startBroker = () => kafka.startKafka({ classpath: (resolved as { classpath: string }).classpath, dataDir: join(dir, 'kafka'), port: kafkaPorts[0], controllerPort: kafkaPorts[1] });
  const requests = async (phase: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await call(stack.urls.gateway, 'GET', i % 2 ? '/api/products' : `/api/products/SKU-00${(i % 5) + 1}`);
      assert.equal(res.status, 200);
      traces.push({ id: res.traceId, phase });
    }
  };

  before(async () => {
    if ('missing' in located) throw new Error(located.missing);
    dir = mkdtempSync(join(tmpdir(), 'tracelab-kafka-'));
    kafkaPorts = await distinctFreePorts(4);
    const began = Date.now();
    broker = await startBroker();
    figures.push(`Kafka up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    const { startJaeger, endpointArgs, localConfig } = await scripts();
    const { telemetryConfig } = (await import(pathToFileURL(join(root, 'scripts/jaeger/start.mjs')).href)) as { telemetryConfig: string };
    const ingesterPorts = await freePorts();
    ingester = await startJaeger({
      bin: located.bin, ports: ingesterPorts, telemetryPort: kafkaPorts[2], readyTimeoutMs: 30_000,
      args: [`--config=${localConfig}`, ...endpointArgs('127.0.0.1', ingesterPorts), ...kafka.kafkaIngesterArgs(broker.brokers), `--config=${telemetryConfig}`],
    });
    const collectorPorts = await freePorts();
    collector = await startJaeger({
      bin: located.bin, ports: collectorPorts, telemetryPort: kafkaPorts[3], readyTimeoutMs: 30_000,
      args: [...kafka.kafkaCollectorArgs('127.0.0.1', collectorPorts, broker.brokers), `--config=${telemetryConfig}`],
    });
    stack = await startTracedStack(collector.urls.otlpGrpc);
  });
  after(async () => {
    if (figures.length) console.log(`Kafka figures (load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}):\n${figures.join('\n')}`);
    await stack?.stop();
    await collector?.stop();
    await ingester?.stop();
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('traces sent before, during and after a Kafka restart all reach storage whole', async () => {
    await requests('before', 20);
    await waitFor(() => allStored(ingester.urls.ui, traces), 60_000, 'the first traces through Kafka');
    await broker!.stop();
    await requests('while Kafka is down', 20);
    // The services have exported (100 ms batches) into the collector, which holds them for Kafka.
    await new Promise((r) => setTimeout(r, 3000));
    const down = await counters(collector.urls.telemetry!);
    const began = Date.now();
    broker = await startBroker();
    figures.push(`Kafka restarted in ${((Date.now() - began) / 1000).toFixed(1)} s; while it was down the collector had accepted ${down.accepted} spans and sent ${down.sent}`);
    await requests('after', 10);
    await waitFor(() => allStored(ingester.urls.ui, traces), 120_000, 'every trace in storage after the restart');
    let repeated = 0;
    for (const t of traces) {
      const spans = fromLegacy((await legacyTrace(ingester.urls.ui, t.id))!);
      const ids = new Set(spans.map((s) => s.spanId));
      repeated += spans.length - ids.size;
      assert.equal(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).length, 0, `${t.phase} trace ${t.id}: no span's parent missing`);
      assert.ok(spans.some((s) => s.service === 'gateway' && s.kind === SERVER), `${t.phase} trace ${t.id}: the gateway's span`);
    }
    // Jaeger's counters on both sides of Kafka: every span the collector took reached the ingester.
    await stack.stop();
    await waitFor(async () => (await counters(ingester.urls.telemetry!)).accepted >= (await counters(collector.urls.telemetry!)).accepted, 30_000, 'the ingester catching up');
    const [c, i] = [await counters(collector.urls.telemetry!), await counters(ingester.urls.telemetry!)];
    figures.push(`${traces.length} traces; collector accepted ${c.accepted} spans, sent ${c.sent} to Kafka, ${c.failed} failed; ingester accepted ${i.accepted} from Kafka (${i.accepted - c.accepted} read twice); ${repeated} repeated span ids in the traces read back`);
    assert.equal(c.failed, 0, 'the collector dropped nothing');
    assert.equal(c.sent, c.accepted, 'the collector sent every span it accepted');
    // At least once: offsets the ingester had not yet committed when Kafka stopped are read again after
    // the restart (Kafka's consumer commits every second), so it may read more than was sent, never less.
    assert.ok(i.accepted >= c.accepted, `the ingester read every span the collector accepted (${i.accepted} of ${c.accepted})`);
  });
}, kafkaSkip);

async function allStored(ui: string, traces: Array<{ id: string }>): Promise<boolean> {
  for (const t of traces) if (!(await legacyTrace(ui, t.id))) return false;
  return true;
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Spans the OTLP or Kafka receiver accepted, the Kafka exporter sent and failed to send (telemetry.yaml). */
async function counters(url: string): Promise<{ accepted: number; sent: number; failed: number }> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  return { accepted: sum('otelcol_receiver_accepted_spans_total'), sent: sum('otelcol_exporter_sent_spans_total'), failed: sum('otelcol_exporter_send_failed_spans_total') };
}
