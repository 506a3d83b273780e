import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { parse } from 'yaml';
import type { ConfigRender, ReleaseRender } from '../src/render';
import { restrictedViolations } from './support/pod-security';
import { podLabelsOf, podSpecOf, readYaml, workloads, type Container, type Manifest, type Probe } from './support/repo';
import { LABELS, objects, renderAll, tracelab, UNSUPPORTED_PLATFORM } from './support/rendered';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate } from './support/validate';

interface JaegerValues {
  jaeger: { args: string[]; resources: Container['resources']; podSecurityContext: object; securityContext: object };
}

/** The Jaeger release of skaffold.yaml, through `helm lint` and `helm template` of the real chart. */
describe('Helm release jaeger, rendered from the chart with the values skaffold.yaml names', { skip: UNSUPPORTED_PLATFORM }, () => {
  let renders: (label: string) => ConfigRender;
  let release: ReleaseRender;
  let chart: Manifest[];
  const find = (kind: string, name: string) => chart.find((m) => m.kind === kind && m.metadata.name === name);
  const deployment = () => find('Deployment', release.release.name)!;
  const container = () => podSpecOf(deployment())!.containers[0];
  /** Each test skips with the one reason when the chart could not be had. */
  const needChart = (t: TestContext) => (release.skip ? (t.skip(release.skip), false) : true);

  before(async () => {
    await loadModels();
    renders = await renderAll();
    release = renders('default').releases.find((r) => r.release.remoteChart === 'jaeger' || r.release.name === 'jaeger')!;
    chart = objects(release.objects);
  });

  test('helm lint passes and helm template renders the release with its name, namespace and values files', (t) => {
    assert.ok(release, 'skaffold.yaml installs no Jaeger release');
    if (!needChart(t)) return;
    t.diagnostic(`chart from ${release.chart}: ${chart.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
    assert.deepEqual(chart.map((m) => `${m.kind}/${m.metadata.name}`).sort(), ['ConfigMap/user-config', 'Deployment/jaeger', 'Service/jaeger', 'Service/jaeger-query', 'ServiceAccount/jaeger']);
    for (const m of chart) assert.equal(m.metadata.namespace, release.release.namespace);
    const chartYaml = parse(readFileSync(join(release.chartDir!, 'Chart.yaml'), 'utf8')) as { version: string };
    assert.equal(chartYaml.version, release.release.version, 'the chart rendered is the version skaffold installs');
  });

  test('every chart object validates against the API schema and has no unknown field (values passed through reach valid fields)', async (t) => {
    if (!needChart(t)) return;
    for (const m of chart) {
      await assert.doesNotReject(schemaValidate(m), `${m.kind}/${m.metadata.name}`);
      assert.deepEqual(unknownFields(m, typeName(m.apiVersion, m.kind)), [], `${m.kind}/${m.metadata.name}`);
    }
  });

  test('Service jaeger exposes OTLP gRPC 4317 and the UI 16686 on ports of the pods it selects', (t) => {
    if (!needChart(t)) return;
    const spec = find('Service', 'jaeger')!.spec as { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number | string }> };
    const labels = podLabelsOf(deployment());
    assert.ok(Object.entries(spec.selector).every(([k, v]) => labels[k] === v), 'Service jaeger selects the Deployment\'s pods');
    const containerPorts = container().ports!.map((p) => p.containerPort);
    for (const port of [4317, 16686]) {
      const p = spec.ports.find((x) => x.port === port);
      assert.ok(p, `Service jaeger has no port ${port}`);
      assert.ok(containerPorts.includes(Number(p.targetPort)), `targetPort ${p.targetPort} is no container port`);
    }
  });

  // tests/jaeger/test/deploy-path.test.ts starts the real binary with these values' arguments and
  // shows it answers GET /status on 13133 and takes OTLP gRPC on 4317: the rendered chart must use those.
  test('the chart probes GET /status on 13133 and Service jaeger sends otlp-grpc 4317 to container port 4317', (t) => {
    if (!needChart(t)) return;
    const c = container() as Container & { startupProbe?: Probe };
    const probes = (['livenessProbe', 'readinessProbe', 'startupProbe'] as const).filter((k) => c[k]).map((k) => `${k} ${c[k]!.httpGet?.path}:${c[k]!.httpGet?.port}`);
    assert.deepEqual(probes, ['livenessProbe /status:13133', 'readinessProbe /status:13133']);
    const otlp = (find('Service', 'jaeger')!.spec as { ports: Array<{ name?: string; port: number; targetPort: number | string }> }).ports.find((p) => p.name === 'otlp-grpc');
    assert.deepEqual(otlp && [otlp.port, otlp.targetPort], [4317, 4317], `otlp-grpc: ${JSON.stringify(otlp)}`);
    assert.ok(c.ports!.some((p) => p.containerPort === 4317), 'the container declares 4317');
  });

  test('the jaeger-query Service (from helm-values extraObjects) selects the Deployment\'s pods on 16686', (t) => {
    if (!needChart(t)) return;
    const query = find('Service', 'jaeger-query')!.spec as { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number }> };
    const labels = podLabelsOf(deployment());
    for (const [k, v] of Object.entries(query.selector)) assert.equal(labels[k], v, `selector ${k}=${v} vs pod template labels ${JSON.stringify(labels)}`);
    assert.deepEqual(query.ports.map((p) => [p.port, p.targetPort]), [[16686, 16686]]);
    const own = (deployment().spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    assert.ok(Object.entries(own).every(([k, v]) => labels[k] === v), 'the Deployment owns its pods');
  });

  test('the bounded max_traces argument, the resources and both security contexts reach the container', (t) => {
    if (!needChart(t)) return;
    const values = readYaml<JaegerValues>('helm-values/jaeger.yaml').jaeger;
    const c = container();
    const arg = c.args?.find((a) => a.includes('max_traces'));
    assert.ok(arg, `no max_traces argument in ${JSON.stringify(c.args)}`);
    const maxTraces = Number(/memory\.max_traces=(\d+)$/.exec(arg)?.[1]);
    assert.ok(maxTraces > 0 && maxTraces <= 50_000, `max_traces ${maxTraces}`);
    assert.deepEqual(c.securityContext, values.securityContext);
    assert.deepEqual(podSpecOf(deployment())!.securityContext, values.podSecurityContext);
    assert.deepEqual(c.resources, values.resources);
    assert.deepEqual(restrictedViolations(podSpecOf(deployment())!), []);
    assert.equal(find('ServiceAccount', 'jaeger')!.automountServiceAccountToken, false);
  });

  for (const label of LABELS) {
    test(`${label}: OTEL_EXPORTER_OTLP_ENDPOINT names the rendered Service jaeger, port 4317`, (t) => {
      if (!needChart(t)) return;
      const otel = objects(tracelab(renders(label))).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'otel-config')!;
      const endpoint = new URL((otel.data as Record<string, string>).OTEL_EXPORTER_OTLP_ENDPOINT);
      const svc = chart.find((m) => m.kind === 'Service' && endpoint.hostname === `${m.metadata.name}.${m.metadata.namespace}.svc.cluster.local`);
      assert.ok(svc, `${endpoint.hostname} is no Service the release renders`);
      assert.equal(svc.metadata.name, 'jaeger');
      assert.ok((svc.spec as { ports: Array<{ port: number }> }).ports.some((p) => String(p.port) === endpoint.port), `port ${endpoint.port}`);
    });
  }

  test('skaffold\'s port-forwards name rendered Services and ports: Jaeger UI 16686, gateway 8080', (t) => {
    if (!needChart(t)) return;
    const all = [...chart, ...objects(tracelab(renders('default')))];
    const forwards = renders('default').config.portForward ?? [];
    assert.deepEqual(forwards.map((f) => `${f.namespace}/${f.resourceName}:${f.port}->${f.localPort}`).sort(), ['observability/jaeger:16686->16686', 'tracelab/gateway:8080->8080']);
    for (const f of forwards) {
      const svc = all.find((m) => m.kind === 'Service' && m.metadata.name === f.resourceName && m.metadata.namespace === f.namespace);
      assert.ok(svc, `port-forward to ${f.namespace}/${f.resourceName}: no such Service rendered`);
      assert.ok((svc.spec as { ports: Array<{ port: number }> }).ports.some((p) => p.port === f.port), `${f.resourceName} has no port ${f.port}`);
    }
  });

  test('requests of everything rendered (TraceLab, PostgreSQL, loadgen, Jaeger) fit a 2-CPU / 4 GiB Minikube next to its system pods', (t) => {
    if (!needChart(t)) return;
    const cpu = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const mem = (q: string) => {
      const m = /^(\d+)(Mi|Gi)$/.exec(q);
      assert.ok(m, `memory quantity ${q}: use Mi or Gi`);
      return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
    };
    const rows = workloads([...objects(tracelab(renders('load'))), ...chart]).flatMap((w) => podSpecOf(w)!.containers.map((c) => [w.metadata.name, c.resources!] as const));
    const total = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
    for (const [, r] of rows) {
      for (const kind of ['requests', 'limits'] as const) {
        total[kind].cpu += cpu(r[kind]!.cpu);
        total[kind].memory += mem(r[kind]!.memory);
      }
    }
    for (const [n, r] of rows) t.diagnostic(`${n}: requests ${r.requests!.cpu} CPU / ${r.requests!.memory}, limits ${r.limits!.cpu} CPU / ${r.limits!.memory}`);
    t.diagnostic(`total: requests ${total.requests.cpu}m CPU / ${total.requests.memory} Mi, limits ${total.limits.cpu}m CPU / ${total.limits.memory} Mi`);
    // Kubernetes' own pods request about 750m CPU and 300 MiB; keep 1 GiB for the image builds.
    assert.ok(total.requests.cpu + 750 <= 2000, `CPU requests ${total.requests.cpu}m`);
    assert.ok(total.requests.memory + 300 <= 4096 - 1024, `memory requests ${total.requests.memory} Mi`);
  });
});
