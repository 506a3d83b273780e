import assert from 'node:assert/strict';
import { before, describe, test, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { findChart } from '../src/chart';
import { parseObjects } from '../src/manifest';
import { runTool, kubernetesTools, UNSUPPORTED_PLATFORM, type Tools } from '../src/tools';
import { restrictedViolations } from './support/pod-security';
import { podLabelsOf, podSpecOf, readYaml, ROOT, type Container, type Manifest } from './support/repo';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate } from './support/validate';

interface SkaffoldYaml {
  manifests: { kustomize: { paths: string[] } };
  deploy: { helm: { releases: Array<{ name: string; namespace: string; remoteChart?: string; repo?: string; version?: string; valuesFiles?: string[] }> } };
  profiles: Array<{ name: string; patches?: Array<{ op: string; path: string; value?: unknown }> }>;
}
type JaegerConfig = {
  service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
  extensions: Record<string, any>;
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  connectors: { spanmetrics: { histogram: { unit: string }; metrics_flush_interval?: string } };
  exporters: Record<string, any>;
};
type Ports = Array<{ name?: string; port: number; targetPort: number | string }>;

const MONITOR = 'k8s/monitor';
const portOf = (hostPort: string) => Number(hostPort.split(':').at(-1));

/**
 * Jaeger's Monitor tab in the cluster: the Jaeger release's userconfig (rendered by the real `helm
 * template`) and k8s/monitor's Prometheus (rendered by the real `kubectl kustomize`) fit together, and
 * skaffold.yaml applies the Prometheus after the release.
 */
describe('Monitor tab in the cluster: Jaeger\'s span metrics and the Prometheus that scrapes them', { skip: UNSUPPORTED_PLATFORM }, () => {
  let tools: Tools;
  let monitor: Manifest[];
  let chart: Manifest[] | undefined;
  let chartSkip = '';
  const find = (objects: Manifest[] | undefined, kind: string, name: string) => objects?.find((m) => m.kind === kind && m.metadata.name === name);
  const needChart = (t: TestContext) => (chart ? true : (t.skip(chartSkip), false));
  const jaegerConfig = () => parse(String((find(chart, 'ConfigMap', 'user-config')!.data as Record<string, string>)['user-config.yaml'])) as JaegerConfig;
  const prometheusDeployment = () => find(monitor, 'Deployment', 'prometheus')!;
  const prometheusConfig = () => parse(String((find(monitor, 'ConfigMap', 'prometheus-config')!.data as Record<string, string>)['prometheus.yml'])) as {
    global: { scrape_interval: string };
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };

  before(async () => {
    await loadModels();
    tools = await kubernetesTools();
    const kustomize = runTool(tools.kubectl, ['kustomize', MONITOR]);
    assert.equal(kustomize.status, 0, `kubectl kustomize ${MONITOR}: ${kustomize.stderr}`);
    monitor = parseObjects(kustomize.stdout, `kubectl kustomize ${MONITOR}`).map((r) => r.object);
    const release = readYaml<SkaffoldYaml>('skaffold.yaml').deploy.helm.releases.find((r) => r.name === 'jaeger')!;
    const found = findChart(tools.helm, release as never, ROOT);
    if ('skip' in found) chartSkip = found.skip;
    else {
      const values = (release.valuesFiles ?? []).flatMap((f) => ['-f', f]);
      const out = runTool(tools.helm, ['template', release.name, found.dir, '--namespace', release.namespace, ...values]);
      assert.equal(out.status, 0, `helm template: ${out.stderr}`);
      chart = parseObjects(out.stdout, 'helm template jaeger').map((r) => r.object);
    }
  });

  test('k8s/monitor renders a ServiceAccount, ConfigMap, Deployment and Service "prometheus" in observability, valid and with no unknown field', async () => {
    assert.deepEqual(monitor.map((m) => `${m.kind}/${m.metadata.name}`).sort(), ['ConfigMap/prometheus-config', 'Deployment/prometheus', 'Service/prometheus', 'ServiceAccount/prometheus']);
    for (const m of monitor) {
      assert.equal(m.metadata.namespace, 'observability', `${m.kind}/${m.metadata.name}`);
      await assert.doesNotReject(schemaValidate(m), `${m.kind}/${m.metadata.name}`);
      assert.deepEqual(unknownFields(m, typeName(m.apiVersion, m.kind)), [], `${m.kind}/${m.metadata.name}`);
    }
  });

  test('Prometheus runs under restricted Pod Security, read-only root, no token, with requests and limits, probes on its port and short retention', () => {
    const spec = podSpecOf(prometheusDeployment())!;
    assert.deepEqual(restrictedViolations(spec), []);
    assert.equal(spec.automountServiceAccountToken, false);
    const c = spec.containers[0] as Container;
    assert.match(c.image, /^prom\/prometheus:v3\.\d+\.\d+$/, 'the real image, pinned');
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    for (const r of ['cpu', 'memory']) {
      assert.ok(c.resources?.requests?.[r], `requests.${r}`);
      assert.ok(c.resources?.limits?.[r], `limits.${r}`);
    }
    const port = c.ports!.find((p) => p.name === 'http')!;
    assert.equal(port.containerPort, 9090);
    for (const probe of [c.readinessProbe, c.livenessProbe]) assert.ok(probe?.httpGet && [9090, 'http'].includes(probe.httpGet.port), JSON.stringify(probe));
    assert.equal(c.readinessProbe!.httpGet!.path, '/-/ready');
    assert.ok(c.args!.some((a) => /^--storage\.tsdb\.retention\.time=\d+h$/.test(a)), `retention in hours: ${c.args}`);
    // The TSDB and the configuration are volumes: the root filesystem is read-only.
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    const tsdb = c.args!.find((a) => a.startsWith('--storage.tsdb.path='))!.split('=')[1];
    assert.ok(volumes.get(mounts.get(tsdb)!)?.emptyDir, `${tsdb} is an emptyDir`);
    const config = c.args!.find((a) => a.startsWith('--config.file='))!.split('=')[1];
    assert.equal(volumes.get(mounts.get(config.slice(0, config.lastIndexOf('/')))!)?.configMap?.name, 'prometheus-config');
  });

  test('Service prometheus selects the Prometheus pod on a port it has', () => {
    const svc = find(monitor, 'Service', 'prometheus')!.spec as { selector: Record<string, string>; ports: Ports };
    const labels = podLabelsOf(prometheusDeployment());
    assert.ok(Object.entries(svc.selector).every(([k, v]) => labels[k] === v));
    const c = podSpecOf(prometheusDeployment())!.containers[0];
    for (const p of svc.ports) assert.ok(c.ports!.some((cp) => cp.containerPort === p.targetPort || cp.name === p.targetPort), `targetPort ${p.targetPort}`);
  });

  test('the Jaeger release mounts its userconfig and keeps OTLP on 0.0.0.0:4317/4318, the health check on the probes\' 0.0.0.0:13133, memory storage and query', (t) => {
    if (!needChart(t)) return;
    const deployment = find(chart, 'Deployment', 'jaeger')!;
    const c = podSpecOf(deployment)!.containers[0];
    assert.deepEqual(c.args!.slice(0, 2), ['--config', '/etc/jaeger/user-config.yaml']);
    assert.ok(c.args!.includes('--set=extensions.jaeger_storage.backends.some_storage.memory.max_traces=20000'));
    const config = jaegerConfig();
    assert.equal(config.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
    assert.equal(config.receivers.otlp.protocols.http.endpoint, '0.0.0.0:4318');
    assert.equal(config.extensions.healthcheckv2.http.endpoint, `0.0.0.0:${c.livenessProbe!.httpGet!.port}`);
    assert.equal(config.extensions.jaeger_query.http.endpoint, '0.0.0.0:16686');
    assert.ok(config.extensions.jaeger_storage.backends.some_storage.memory.max_traces > 0);
    for (const e of ['jaeger_storage', 'jaeger_query', 'healthcheckv2']) assert.ok(config.service.extensions.includes(e), e);
  });

  test('Jaeger\'s pipelines follow config-spm.yaml: traces to storage and spanmetrics, spanmetrics to the prometheus exporter on the Service\'s span-metrics port, read back from Service prometheus', (t) => {
    if (!needChart(t)) return;
    const config = jaegerConfig();
    const { traces, 'metrics/spanmetrics': metrics } = config.service.pipelines;
    assert.deepEqual(traces.receivers, ['otlp']);
    assert.deepEqual([...traces.exporters].sort(), ['jaeger_storage_exporter', 'spanmetrics']);
    assert.deepEqual(metrics, { receivers: ['spanmetrics'], exporters: ['prometheus'] });
    assert.equal(config.connectors.spanmetrics.histogram.unit, 'ms', 'the query reads *_duration_milliseconds_bucket');
    const spanMetrics = (find(chart, 'Service', 'jaeger')!.spec as { ports: Ports }).ports.find((p) => p.name === 'span-metrics')!;
    assert.equal(portOf(config.exporters.prometheus.endpoint), spanMetrics.port, 'the exporter listens where Service jaeger sends span-metrics');
    assert.equal(Number(spanMetrics.targetPort), spanMetrics.port);
    const backendName = config.extensions.jaeger_query.storage.metrics;
    const backend = config.extensions.jaeger_storage.metric_backends[backendName]?.prometheus;
    assert.ok(backend, `jaeger_query.storage.metrics names a prometheus metric backend (${backendName})`);
    assert.equal(backend.normalize_calls, true);
    assert.equal(backend.normalize_duration, true);
    const url = new URL(backend.endpoint);
    assert.match(url.hostname, /^prometheus(\.observability(\.svc(\.cluster\.local)?)?)?$/, backend.endpoint);
    const svc = (find(monitor, 'Service', 'prometheus')!.spec as { ports: Ports }).ports;
    assert.ok(svc.some((p) => p.port === Number(url.port)), `Service prometheus has port ${url.port}`);
  });

  test('Prometheus scrapes Service jaeger\'s span-metrics port, as often as the connector flushes', (t) => {
    if (!needChart(t)) return;
    const scrape = prometheusConfig();
    const targets = scrape.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    const spanMetrics = (find(chart, 'Service', 'jaeger')!.spec as { ports: Ports }).ports.find((p) => p.name === 'span-metrics')!;
    assert.deepEqual(targets, [`jaeger.observability.svc.cluster.local:${spanMetrics.port}`]);
    assert.equal(scrape.global.scrape_interval, jaegerConfig().connectors.spanmetrics.metrics_flush_interval);
  });

  test('skaffold.yaml applies k8s/monitor after the Jaeger release by default, and no-jaeger leaves it out with the release', () => {
    const skaffold = readYaml<SkaffoldYaml>('skaffold.yaml');
    assert.ok(skaffold.manifests.kustomize.paths.includes(MONITOR), `${MONITOR} in ${skaffold.manifests.kustomize.paths}`);
    assert.ok(skaffold.deploy.helm.releases.some((r) => r.name === 'jaeger' && r.namespace === 'observability'), 'Helm (first) creates namespace observability');
    const noJaeger = skaffold.profiles.find((p) => p.name === 'no-jaeger')!;
    const index = skaffold.manifests.kustomize.paths.indexOf(MONITOR);
    assert.ok(noJaeger.patches!.some((p) => p.op === 'remove' && p.path === `/manifests/kustomize/paths/${index}`), JSON.stringify(noJaeger.patches));
  });
});
