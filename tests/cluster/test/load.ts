// Step 5l: profile `load`: the loadgen Deployment, its progress in its log, its requests as traces in
// the in-cluster Jaeger, and what every pod uses under that load against its requests and limits.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromOtlp, type OtlpExportRequest } from '@tracelab/tracing/testing';
import { measure, usageLine } from './support/footprint';
import { dropForwards, MIN, settled, type Flow } from './support/flow';
import { SERVER } from './support/jaeger';
import { pods } from './support/kube';
import { capture, LOGS, waitFor } from './support/run';

// The six of the default deployment and loadgen.
const PODS = 7;
// The gateway routes of the load generator's journeys (apps/loadgen/src/journeys.ts).
const JOURNEY_ROUTES = ['GET /api/products', 'GET /api/products/:sku', 'POST /api/orders', 'GET /api/orders/:id', 'GET /api/customers/:id/orders'];
const PROGRESS = /^\s*(\d+)s\s+([\d.]+) req\/s\s+p50 .* errors (\d+) \(([\d.]+)%\)$/;

export const FOOTPRINT = join(LOGS, 'footprint.txt');

export function loadSteps(flow: Flow) {
  flow.step('5l. skaffold run -p load: loadgen runs, logs its progress, its journeys reach Jaeger as root spans from its pod; every pod measured under that load against its requests and limits', 15 * MIN, async (t) => {
    dropForwards(flow);
    const r = await flow.skaffold(['run', '-p', 'load', '--status-check=true'], 'skaffold-run-load.log', 10 * MIN);
    assert.equal(r.code, 0, `skaffold run -p load failed:\n${r.output}`);
    const where = await settled(flow, PODS);
    const started = Date.now();
    const loadgen = pods(flow.cluster(), 'tracelab').find((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'loadgen');
    assert.ok(loadgen, 'no loadgen pod');
    const ip = (loadgen.status as { podIP?: string }).podIP;

    // Progress every 5 s when its stdout is no terminal (apps/loadgen/src/cli.ts). Errors are counted
    // from the first line after every pod settled: loadgen starts while the previous profile's pods
    // (a scenario's, in this suite) may still answer.
    let lines: RegExpExecArray[] = [];
    const progress = () => {
      const logs = capture('kubectl', ['logs', '-n', 'tracelab', 'deploy/loadgen'], flow.cluster());
      lines = logs.stdout.split('\n').map((l) => PROGRESS.exec(l)).filter((m): m is RegExpExecArray => m !== null);
      return logs.stdout.trim().split('\n').slice(-3).join(' | ') || logs.stderr.trim();
    };
    await waitFor('a progress line in kubectl logs deploy/loadgen', 90_000, () => ({ done: (progress(), lines.length >= 1), state: progress() }), 5000);
    const first = lines.at(-1)!;
    await waitFor('four more progress lines', 90_000, () => {
      const state = progress();
      return { done: lines.length >= lines.indexOf(lines.find((l) => l[1] === first[1])!) + 5, state };
    }, 5000);
    const last = lines.at(-1)!;
    const requests = Number(last[1]) * Number(last[2]) - Number(first[1]) * Number(first[2]);
    const errors = Number(last[3]) - Number(first[3]);
    assert.ok(Number(last[2]) >= 3, `loadgen runs at ${last[2]} req/s (LOAD_RATE 5)`);
    assert.ok(requests > 0 && errors / requests < 0.01, `loadgen saw ${errors} errors in ${requests.toFixed(0)} requests between "${first[0].trim()}" and "${last[0].trim()}"`);

    // Its requests in Jaeger: root SERVER spans of the gateway whose client is the loadgen pod.
    let routes = new Set<string>();
    let roots = 0;
    await waitFor(`gateway root spans from the loadgen pod (${ip}) covering its ${JOURNEY_ROUTES.length} journeys' routes`, 2 * MIN, async () => {
      const iso = (ms: number) => new Date(ms).toISOString();
      const q = new URLSearchParams({ 'query.service_name': 'gateway', 'query.start_time_min': iso(started - 5 * MIN), 'query.start_time_max': iso(Date.now() + MIN), 'query.num_traces': '500' });
      const res = await fetch(`${where.jaeger}/api/v3/traces?${q}`, { signal: AbortSignal.timeout(15_000) });
      if (res.status !== 200) return { done: false, state: `${res.status} ${(await res.text()).slice(0, 200)}` };
      const spans = fromOtlp(((await res.json()) as { result?: OtlpExportRequest }).result ?? {});
      const fromLoadgen = spans.filter((s) => s.service === 'gateway' && s.kind === SERVER && !s.parentSpanId && (s.attributes['client.address'] === ip || s.attributes['network.peer.address'] === ip));
      roots = fromLoadgen.length;
      routes = new Set(fromLoadgen.map((s) => `${s.attributes['http.request.method']} ${s.attributes['http.route']}`));
      return { done: JOURNEY_ROUTES.every((x) => routes.has(x)), state: `${roots} roots from ${ip}: ${[...routes].join(', ')}` };
    }, 5000);

    // Under that load (and the Jaeger and Prometheus it feeds): six reads, 10 s apart.
    const node = loadgen.spec.nodeName!;
    const usage = await measure(flow.cluster(), node, ['tracelab', 'observability'], 6, 10_000);
    const total = { cpu: usage.reduce((a, u) => a + u.cpu, 0), memory: usage.reduce((a, u) => a + u.memory, 0), requestCpu: usage.reduce((a, u) => a + (u.requests.cpu ?? 0), 0), requestMemory: usage.reduce((a, u) => a + (u.requests.memory ?? 0), 0), limitMemory: usage.reduce((a, u) => a + (u.limits.memory ?? 0), 0) };
    const report = [...usage.map(usageLine), `all ${usage.length} pods: cpu ${total.cpu.toFixed(0)}m (requests ${total.requestCpu.toFixed(0)}m), memory ${total.memory.toFixed(0)} MiB (requests ${total.requestMemory.toFixed(0)} Mi, limits ${total.limitMemory.toFixed(0)} Mi); loadgen ${last[0].trim()}`];
    writeFileSync(FOOTPRINT, `${report.join('\n')}\n`);
    for (const line of report) t.diagnostic(line);
    flow.timings.push(`footprint under load: ${report.at(-1)}`);
    assert.equal(usage.length, PODS, `measured ${usage.map((u) => u.pod).join(', ')}`);
    for (const u of usage) if (u.limits.memory !== undefined) assert.ok(u.memory < u.limits.memory, `${usageLine(u)}: at its memory limit`);
    const restarted = ['tracelab', 'observability'].flatMap((ns) => pods(flow.cluster(), ns)).filter((p) => (p.status.containerStatuses ?? []).some((c) => c.restartCount > 0));
    assert.deepEqual(restarted.map((p) => p.metadata.name), [], 'no pod restarted under load');
    t.diagnostic(`loadgen: ${roots} root spans from its pod over ${routes.size} routes; skaffold run -p load ${r.seconds.toFixed(0)} s`);
  });
}
