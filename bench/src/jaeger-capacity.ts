// `npm run bench -- --only jaeger-capacity`: how many spans one Jaeger (2.12, memory storage, the
// configuration of local mode and the chart) ingests on one CPU, and what happens past that.
// 1. Real traffic: the three services export (OTLP/HTTP protobuf) through a recording relay into a Jaeger
//    held to one CPU; the services' own span counters and Jaeger's otelcol_* metrics must agree.
// 2. Replay: the recorded export requests, byte for byte, with fresh trace IDs each pass, at rising
//    span rates into a fresh Jaeger held to one CPU: accepted, refused, latency, CPU, per step.
// 3. Memory: a fresh Jaeger filled with replayed traces; heap and RSS per 10 000 traces.
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@tracelab/devdb';
import { cpuMillis } from './proc';
import { restock, spanTotals, start as startBenchStack } from './stack';

const ROOT = resolve(__dirname, '../..');
/** Spans per replayed export request: the OTel SDK batch processor's largest batch (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). */
const BATCH_SPANS = 512;
const MAX_IN_FLIGHT = 16;

export interface CapacityStep {
  offered: number;
  seconds: number;
  sent: number;
  accepted: number;
  refused: number;
  failedRequests: number;
  /** Spans Jaeger accepted per second over the step. */
  achieved: number;
  /** Batches the driver could not send because 16 were already waiting on Jaeger. */
  backlogged: number;
  jaegerCores: number;
  /** CPU of this process (the replaying client), to tell a client-bound step from a Jaeger-bound one. */
  driverCores: number;
  p50Ms: number;
  p99Ms: number;
  load1: number;
}

export interface JaegerCapacity {
  limit: string;
  capture: { requests: number; traces: number; spans: number; spansPerTrace: number; bytesPerSpan: number };
  real: { seconds: number; requests: number; ended: number; exported: number; failed: number; accepted: number; refused: number; spansPerSec: number; jaegerCores: number; load1: number };
  steps: CapacityStep[];
  /** The highest offered rate Jaeger took whole: every span accepted, none refused, no backlog. */
  capacity?: number;
  memory: { traces: number; spans: number; heapPer10k: number; rssPer10k: number; heapBytes: number; rssBytes: number; baselineRss: number; load1: number };
}

interface Running {
  process: { pid?: number };
  urls: { otlpHttp: string; telemetry?: string };
  stop(): Promise<void>;
}
type StartJaeger = (options: Record<string, unknown>) => Promise<Running>;

export async function jaegerCapacity(smoke: boolean, log: (line: string) => void): Promise<JaegerCapacity> {
  const load = async <T>(file: string) => (await import(pathToFileURL(join(ROOT, 'scripts/jaeger', file)).href)) as T;
  const { findJaeger } = await load<{ findJaeger(): { bin: string } | { missing: string } }>('locate.mjs');
  const { startJaeger } = await load<{ startJaeger: StartJaeger }>('start.mjs');
  const found = findJaeger();
  if ('missing' in found) throw new Error(`jaeger-capacity: ${found.missing} (npm run jaeger:build)`);
  const limiter = oneCpu();
  const startLimited = async (maxTraces: number) => {
    const ports = { otlpGrpc: await freePort(), otlpHttp: await freePort(), query: await freePort(), queryGrpc: await freePort(), health: await freePort() };
    // GOMAXPROCS=1: one CPU's worth, as a pod limited to cpu: 1 gets it (Go sizes it from the quota).
    const jaeger = await startJaeger({ bin: found.bin, ports, maxTraces, telemetryPort: await freePort(), env: { ...process.env, GOMAXPROCS: '1' } });
    limiter.add(jaeger.process.pid!);
    return jaeger;
  };
  try {
    log(`  Jaeger held to one CPU by ${limiter.how}`);
    // 1. Real traffic through the recording relay.
    const first = await startLimited(100_000);
    const relay = await recordingRelay(first.urls.otlpHttp);
    const { stack, lines } = await startBenchStack(true, relay.url, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    let real: JaegerCapacity['real'];
    try {
      await restock(stack);
      const seconds = smoke ? 3 : 20;
      const cpu0 = cpuMillis(first.process.pid!);
      const m0 = await otelcol(first.urls.telemetry!);
      const requests = await realTraffic(stack.urls.gateway, seconds * 1000);
      await stack.stop();
      await new Promise((r) => setTimeout(r, 1500));
      const m1 = await otelcol(first.urls.telemetry!);
      const totals = spanTotals(lines);
      const accepted = m1.accepted - m0.accepted;
      real = {
        seconds, requests, ...totals, accepted, refused: m1.refused - m0.refused,
        spansPerSec: accepted / seconds, jaegerCores: (cpuMillis(first.process.pid!) - cpu0) / 1000 / (seconds + 1.5), load1: loadavg()[0],
      };
      log(`  real traffic: ${requests} requests in ${seconds} s, services ended ${totals.ended} spans, exported ${totals.exported}; Jaeger accepted ${accepted}, refused ${real.refused}`);
    } finally {
      await stack.stop().catch(() => undefined);
      await relay.stop();
      await first.stop();
    }
    const capture = replayable(relay.bodies);
    log(`  recorded ${capture.requests} export requests: ${capture.traces} traces, ${capture.spans} spans, ${capture.bytesPerSpan.toFixed(0)} bytes per span (OTLP protobuf)`);

    // 2. Rising rates into a fresh Jaeger (memory bounded like the chart's: 20 000 traces).
    const steps: CapacityStep[] = [];
    const rates = smoke ? [1000, 4000] : [5000, 10000, 20000, 40000, 60000, 80000, 120000, 160000];
    const stepJaeger = await startLimited(20_000);
    try {
      for (const offered of rates) {
        const step = await replayStep(stepJaeger, capture, offered, smoke ? 2 : 10);
        steps.push(step);
        log(`  ${offered} spans/s offered: ${step.achieved.toFixed(0)} accepted/s, refused ${step.refused}, backlogged ${step.backlogged}, Jaeger ${step.jaegerCores.toFixed(2)} CPU, client ${step.driverCores.toFixed(2)} CPU, p99 ${step.p99Ms.toFixed(0)} ms (load ${step.load1.toFixed(1)})`);
        // One step past the limit shows what happens there; more only heats the machine.
        if (step.achieved < offered * 0.8) break;
      }
    } finally {
      await stepJaeger.stop();
    }
    const whole = steps.filter((s) => s.refused === 0 && s.failedRequests === 0 && s.backlogged === 0 && s.achieved >= s.offered * 0.97);
    const capacity = whole.length ? Math.max(...whole.map((s) => s.offered)) : undefined;

    // 3. Memory per 10 000 traces, at half the capacity found (nothing refused while filling).
    // Bounded at exactly the traces it is given: the store allocates its ring of max_traces entries on the first write.
    const passes = Math.ceil((smoke ? 2000 : 50_000) / capture.traces);
    const memJaeger = await startLimited(passes * capture.traces);
    let memory: JaegerCapacity['memory'];
    try {
      await new Promise((r) => setTimeout(r, 2000));
      const baselineRss = rssBytes(memJaeger.process.pid!);
      const heap0 = (await otelcol(memJaeger.urls.telemetry!)).heap;
      const rate = Math.max(1000, (capacity ?? 5000) / 2);
      const filled = await replayStep(memJaeger, capture, rate, (passes * capture.spans) / rate, passes);
      await new Promise((r) => setTimeout(r, 3000));
      const m = await otelcol(memJaeger.urls.telemetry!);
      const rss = rssBytes(memJaeger.process.pid!);
      const stored = passes * capture.traces;
      memory = {
        traces: stored, spans: filled.accepted, heapBytes: m.heap, rssBytes: rss, baselineRss, load1: loadavg()[0],
        heapPer10k: ((m.heap - heap0) / stored) * 10_000, rssPer10k: ((rss - baselineRss) / stored) * 10_000,
      };
      log(`  memory: ${stored} traces (${filled.accepted} spans): heap ${(m.heap / 2 ** 20).toFixed(0)} MiB, RSS ${(rss / 2 ** 20).toFixed(0)} MiB (from ${(baselineRss / 2 ** 20).toFixed(0)})`);
    } finally {
      await memJaeger.stop();
    }
    // The summary only: the recorded batches (tens of MB of protobuf) are not a result.
    const { requests, traces, spans, spansPerTrace, bytesPerSpan } = capture;
    return { limit: limiter.how, capture: { requests, traces, spans, spansPerTrace, bytesPerSpan }, real, steps, capacity, memory };
  } finally {
    limiter.remove();
  }
}

/** A cgroup (v1 or v2) with a quota of one CPU when this process may make one, else `taskset` to core 0. */
function oneCpu(): { how: string; add(pid: number): void; remove(): void } {
  const name = `tracelab-bench-${process.pid}`;
  for (const [dir, quota] of [
    [`/sys/fs/cgroup/cpu/${name}`, (d: string) => writeFileSync(join(d, 'cpu.cfs_quota_us'), '100000')],
    [`/sys/fs/cgroup/${name}`, (d: string) => writeFileSync(join(d, 'cpu.max'), '100000 100000')],
  ] as const) {
    try {
      mkdirSync(dir);
      quota(dir);
      return {
        how: `a cgroup CPU quota of 100 ms per 100 ms (${dir}) and GOMAXPROCS=1`,
        add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)),
        remove: () => {
          try {
            rmdirSync(dir);
          } catch {
            // a Jaeger still inside: the kernel refuses; it goes once the process has exited
          }
        },
      };
    } catch {
      // not root, or no such hierarchy: next
    }
  }
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  return { how: 'taskset to core 0 (no cgroup could be made) and GOMAXPROCS=1', add: (pid) => void execFileSync('taskset', ['-a', '-pc', '0', String(pid)]), remove: () => undefined };
}

/** An OTLP/HTTP endpoint that keeps every request body and passes it on to `upstream`, answering with upstream's answer. */
async function recordingRelay(upstream: string): Promise<{ url: string; bodies: Buffer[]; stop(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body);
      fetch(`${upstream}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } })
        .then(async (up) => res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/x-protobuf' }).end(Buffer.from(await up.arrayBuffer())))
        .catch(() => res.writeHead(503).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies, stop: () => new Promise((r) => server.close(() => r())) };
}

/** TraceLab's requests, four at a time, for `ms`: product list, product view, order, order read. */
async function realTraffic(api: string, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let requests = 0;
  let orderId: string | undefined;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const kind = (i + w) % 4;
      const init: RequestInit =
        kind === 2 ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: `bench-${w}`, items: [{ sku: 'SKU-002', quantity: 1 }] }) } : {};
      const path = kind === 0 ? '/api/products' : kind === 1 ? `/api/products/SKU-00${(i % 5) + 1}` : kind === 2 ? '/api/orders' : orderId ? `/api/orders/${orderId}` : '/api/products';
      const res = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { id?: string };
      if (kind === 2 && body.id) orderId = body.id;
      requests++;
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  return requests;
}

interface Capture {
  requests: number;
  traces: number;
  spans: number;
  spansPerTrace: number;
  bytesPerSpan: number;
  /** Batches of about BATCH_SPANS spans: the recorded requests concatenated (protobuf appends repeated fields). */
  batches: Array<{ body: Buffer; spans: number; traceIdAt: number[] }>;
}

/** The recorded bodies as replay batches, with where each span's trace_id sits. */
function replayable(bodies: Buffer[]): Capture {
  const traces = new Set<string>();
  let spans = 0;
  let bytes = 0;
  const batches: Capture['batches'] = [];
  let parts: Buffer[] = [];
  let partSpans = 0;
  const flush = () => {
    if (!parts.length) return;
    const body = Buffer.concat(parts);
    batches.push({ body, spans: partSpans, traceIdAt: traceIdOffsets(body) });
    parts = [];
    partSpans = 0;
  };
  for (const body of bodies) {
    const at = traceIdOffsets(body);
    for (const o of at) traces.add(body.subarray(o, o + 16).toString('hex'));
    spans += at.length;
    bytes += body.length;
    parts.push(body);
    partSpans += at.length;
    if (partSpans >= BATCH_SPANS) flush();
  }
  flush();
  if (!spans) throw new Error('jaeger-capacity: the services exported no spans to the relay');
  return { requests: bodies.length, traces: traces.size, spans, spansPerTrace: spans / traces.size, bytesPerSpan: bytes / spans, batches };
}

/** Offsets of the 16 trace_id bytes of every span: ExportTraceServiceRequest.resource_spans(1) → scope_spans(2) → spans(2) → trace_id(1). */
function traceIdOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  const varint = (pos: number): [number, number] => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return [value, pos];
      shift += 7;
    }
  };
  const fields = (from: number, to: number, each: (field: number, start: number, end: number) => void) => {
    let pos = from;
    while (pos < to) {
      const [key, p] = varint(pos);
      const type = key & 7;
      if (type === 2) {
        const [len, q] = varint(p);
        each(Math.floor(key / 8), q, q + len);
        pos = q + len;
      } else if (type === 0) pos = varint(p)[1];
      else if (type === 1) pos = p + 8;
      else if (type === 5) pos = p + 4;
      else throw new Error(`unexpected wire type ${type}`);
    }
  };
  fields(0, buf.length, (f, s, e) => {
    if (f !== 1) return;
    fields(s, e, (f2, s2, e2) => {
      if (f2 !== 2) return;
      fields(s2, e2, (f3, s3, e3) => {
        if (f3 !== 2) return;
        fields(s3, e3, (f4, s4, e4) => {
          if (f4 === 1 && e4 - s4 === 16) out.push(s4);
        });
      });
    });
  });
  return out;
}

let pass = 0;
/**
 * Replays the batches at `rate` spans a second for `seconds` (or `passes` whole passes), every pass
 * under fresh trace IDs: the same trace ID in every span of a trace, new ones each pass.
 */
async function replayStep(jaeger: Running, capture: Capture, rate: number, seconds: number, passes?: number): Promise<CapacityStep> {
  const m0 = await otelcol(jaeger.urls.telemetry!);
  const cpu0 = cpuMillis(jaeger.process.pid!);
  const driver0 = process.cpuUsage();
  const began = performance.now();
  const latencies: number[] = [];
  let sent = 0;
  let failed = 0;
  let backlogged = 0;
  let inFlight = 0;
  let index = 0;
  let passesDone = 0;
  const pending = new Set<Promise<void>>();
  const tickMs = 50;
  while (performance.now() - began < seconds * 1000 && (passes === undefined || passesDone < passes)) {
    const due = rate * ((performance.now() - began) / 1000);
    while (sent < due && (passes === undefined || passesDone < passes)) {
      const batch = capture.batches[index];
      if (inFlight >= MAX_IN_FLIGHT) {
        backlogged++;
        sent += batch.spans; // offered all the same: the driver is as late as an SDK whose export blocks
        break;
      }
      const body = Buffer.from(batch.body);
      for (const o of batch.traceIdAt) body.writeUInt32BE(pass, o);
      sent += batch.spans;
      inFlight++;
      const t0 = performance.now();
      const p = fetch(`${jaeger.urls.otlpHttp}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' }, signal: AbortSignal.timeout(30_000) })
        .then(async (res) => {
          await res.arrayBuffer();
          if (!res.ok) failed++;
        })
        .catch(() => void failed++)
        .finally(() => {
          latencies.push(performance.now() - t0);
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
      if (++index === capture.batches.length) {
        index = 0;
        pass++;
        passesDone++;
      }
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - began) / 1000;
  const driver = process.cpuUsage(driver0);
  await new Promise((r) => setTimeout(r, 1000)); // the batch processor's last flush
  const m1 = await otelcol(jaeger.urls.telemetry!);
  latencies.sort((a, b) => a - b);
  const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))] ?? 0;
  return {
    offered: rate, seconds: elapsed, sent, accepted: m1.accepted - m0.accepted, refused: m1.refused - m0.refused, failedRequests: failed,
    achieved: (m1.accepted - m0.accepted) / elapsed, backlogged, jaegerCores: (cpuMillis(jaeger.process.pid!) - cpu0) / 1000 / (elapsed + 1), driverCores: (driver.user + driver.system) / 1e6 / elapsed, p50Ms: q(0.5), p99Ms: q(0.99), load1: loadavg()[0],
  };
}

/** Jaeger's own counters (telemetry.yaml): spans accepted and refused by the OTLP receiver, Go heap in use. */
async function otelcol(url: string): Promise<{ accepted: number; refused: number; heap: number }> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  const sum = (name: string) =>
    text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  return {
    accepted: sum('otelcol_receiver_accepted_spans_total') || sum('otelcol_receiver_accepted_spans'),
    refused: sum('otelcol_receiver_refused_spans_total') || sum('otelcol_receiver_refused_spans'),
    heap: sum('otelcol_process_runtime_heap_alloc_bytes'),
  };
}

function rssBytes(pid: number): number {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Jaeger CPU microseconds per accepted span, over the steps taken whole. */
function cpuPerSpan(c: JaegerCapacity): number {
  const whole = c.steps.filter((s) => s.backlogged === 0 && s.refused === 0 && s.achieved > 0);
  const steps = whole.length ? whole : c.steps;
  return steps.reduce((n, s) => n + (s.jaegerCores * 1e6) / s.achieved, 0) / steps.length;
}

const k = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n.toFixed(0));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** The report's section. */
export function capacityMarkdown(c: JaegerCapacity): string[] {
  const out = [
    '## Jaeger ingest capacity at one CPU',
    '',
    `Jaeger 2.12 (memory storage, local mode's configuration), held to one CPU by ${c.limit}. Counts from Jaeger's own \`otelcol_receiver_accepted_spans\` / \`otelcol_receiver_refused_spans\` (telemetry.yaml) and the services' span counters.`,
    '',
    `**Real traffic** (4 clients for ${c.real.seconds} s, load ${c.real.load1.toFixed(1)}): ${c.real.requests} requests; the services ended ${c.real.ended} spans and exported ${c.real.exported} (${c.real.failed} failed); Jaeger accepted ${c.real.accepted}, refused ${c.real.refused}: ${c.real.spansPerSec.toFixed(0)} spans/s using ${(c.real.jaegerCores * 100).toFixed(0)}% of its CPU. The services, not Jaeger, set that rate here.`,
    '',
    `**Replay** of the ${c.capture.requests} recorded export requests (${c.capture.traces} traces, ${c.capture.spansPerTrace.toFixed(1)} spans per trace, ${c.capture.bytesPerSpan.toFixed(0)} bytes per span as OTLP protobuf), in batches of ${BATCH_SPANS} spans, fresh trace IDs each pass, ${MAX_IN_FLIGHT} requests in flight at most:`,
    '',
    '| offered spans/s | accepted spans/s | refused | failed requests | backlogged batches | Jaeger CPU | client CPU | p50 / p99 request | load |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...c.steps.map((s) => `| ${k(s.offered)} | ${k(s.achieved)} | ${s.refused} | ${s.failedRequests} | ${s.backlogged} | ${(s.jaegerCores * 100).toFixed(0)}% | ${(s.driverCores * 100).toFixed(0)}% | ${s.p50Ms.toFixed(0)} / ${s.p99Ms.toFixed(0)} ms | ${s.load1.toFixed(1)} |`),
    '',
    c.capacity ? `**Capacity: ${k(c.capacity)} spans/s** taken whole at one CPU (the highest step with every span accepted, none refused, no backlog).` : '**Capacity: not reached cleanly** at the lowest step.',
    `Jaeger's CPU per span, from the steps it took whole: ${cpuPerSpan(c).toFixed(1)} µs, so a CPU it had to itself might take up to about ${k(1e6 / cpuPerSpan(c))} spans/s if that cost held (not measured: on this shared machine it got ${(Math.max(...c.steps.map((s) => s.jaegerCores)) * 100).toFixed(0)}% of one at most, so the steps above are the measured limit).`,
    `Past the limit nothing is refused (\`otelcol_receiver_refused_spans\` stays 0): the OTLP receiver answers later (the p99 column), senders wait, and a sender's queue fills. An OTel SDK then drops spans at its batch processor (TraceLab's services count them: "dropped or unsent" in the tracing summary line and \`stats()\`); this client counts them as backlogged batches.`,
    '',
    `**Memory**: ${c.memory.traces} traces (${c.memory.spans} spans) in memory storage: Go heap ${mib(c.memory.heapBytes)}, RSS ${mib(c.memory.rssBytes)} (empty: ${mib(c.memory.baselineRss)}): **${mib(c.memory.heapPer10k)} heap, ${mib(c.memory.rssPer10k)} RSS per 10 000 traces** (load ${c.memory.load1.toFixed(1)}).`,
  ];
  return out;
}
