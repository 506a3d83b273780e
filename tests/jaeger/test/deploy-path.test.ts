import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments, parse, stringify } from 'yaml';
import type { ProbeResult } from './support/chart-probe';
import { jaegerSuite, located, root } from './support/jaeger';

const CHART_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, health: 13133, spanMetrics: 8889 };

/**
 * The Helm chart runs the same binary with `--config /etc/jaeger/user-config.yaml` (the values'
 * `userconfig`, mounted from a ConfigMap) plus `jaeger.args` from helm-values/jaeger.yaml. Here the
 * binary gets exactly that configuration and those arguments, in a private network namespace (root +
 * unshare), so it listens on the chart's real ports (4317, 13133, 8889…) without colliding with
 * anything on this machine. That the rendered chart mounts the userconfig, probes /status on 13133 and
 * routes its Service's otlp-grpc to 4317 is checked by the real helm in tests/deploy.
 */
jaegerSuite('the deploy path: the chart\'s configuration and arguments on the real binary, listening where k8s/ points', () => {
  const values = parse(readFileSync(join(root, 'helm-values/jaeger.yaml'), 'utf8')) as { jaeger: { args: string[] }; userconfig?: object };
  const configDir = mkdtempSync(join(tmpdir(), 'tracelab-userconfig-'));
  // The chart writes `toYaml .Values.userconfig` into the ConfigMap: the same YAML, read by the binary.
  const userConfig = join(configDir, 'user-config.yaml');
  if (values.userconfig) writeFileSync(userConfig, stringify(values.userconfig));
  const chartArgs: string[] = [...(values.userconfig ? ['--config', userConfig] : []), ...values.jaeger.args];
  const notRoot = process.getuid?.() === 0 ? false : 'not root: a private network namespace (unshare --net) for the chart\'s fixed ports needs root';
  let probe: ProbeResult;

  // Anything but "not root" that keeps the probe from reporting (unshare or ip missing, a crash, the
  // 90 s timeout) fails the test with what the probe said.
  before(() => {
    if (notRoot) return;
    const bin = 'bin' in located ? located.bin : '';
    const probeJs = join(__dirname, 'support/chart-probe.js');
    const run = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, probeJs, bin, JSON.stringify(chartArgs), JSON.stringify(CHART_PORTS)], { encoding: 'utf8', timeout: 90_000 });
    const last = run.stdout?.trim().split('\n').at(-1);
    if (run.status === 0 && last) probe = JSON.parse(last);
    else throw new Error(`the chart probe in a private network namespace did not report (unshare --net, ip link, node ${probeJs}): ${run.error?.message ?? (run.signal ? `killed by ${run.signal}` : `exit ${run.status}`)}\n${(run.stderr ?? '').trim().split('\n').slice(-10).join('\n')}`);
  });
  after(() => {
    if (probe?.error) console.log(`Jaeger log:\n${probe.log?.slice(-10).join('\n')}`);
    rmSync(configDir, { recursive: true, force: true });
  });

  test('Jaeger accepts exactly the chart\'s arguments, answers GET /status on 13133, stores a span sent over OTLP gRPC to 4317, and listens on every port k8s/ sends spans to', { skip: notRoot }, () => {
    assert.ok(chartArgs.some((a) => a.includes('memory.max_traces=')), `helm-values/jaeger.yaml bounds memory storage: ${chartArgs}`);
    assert.equal(probe.error, undefined, `Jaeger with ${chartArgs.join(' ')}: ${probe.error}`);
    assert.equal(probe.status.code, 200, `GET /status: ${probe.status.body}`);
    assert.ok(probe.otlpTraceFound, 'a span exported over OTLP gRPC comes back from GET /api/v3/traces/{id}');
    assert.ok(probe.uiAnswered, 'the query port answers GET /');
    assert.ok(probe.spanMetrics, `the span became RED metrics on 8889 (the chart's Service port span-metrics, scraped by k8s/monitor): ${probe.spanMetricsSample ?? 'none'}`);
    for (const port of Object.values(CHART_PORTS)) assert.ok(probe.listening.includes(port), `listens on ${port}: ${probe.listening.join(', ')}`);
    const { endpoints, policyPorts } = k8sSpanPaths();
    for (const { file, url } of endpoints) assert.ok(probe.listening.includes(Number(new URL(url).port)), `${file}: Jaeger listens on ${url}`);
    for (const { file, port } of policyPorts) assert.ok(probe.listening.includes(port), `${file}: egress port ${port} is one Jaeger listens on`);
    console.log(`chart args accepted in a private network namespace; listening on ${probe.listening.join(', ')}`);
  });
});

// Static: runs with or without root or a Jaeger binary.
test('every OTLP endpoint in k8s/ names the chart\'s Service "jaeger" in "observability" on its OTLP gRPC port, and NetworkPolicies let spans out to it', () => {
  const { files, endpoints, policyPorts } = k8sSpanPaths();
  assert.ok(endpoints.length > 0, `an OTLP endpoint is set somewhere under k8s/ (${files.length} files)`);
  for (const { file, url } of endpoints) {
    const parsed = new URL(url);
    assert.match(parsed.hostname, /^jaeger\.observability(\.svc(\.cluster\.local)?)?$/, `${file}: ${url}`);
    assert.equal(Number(parsed.port), CHART_PORTS.otlpGrpc, `${file}: ${url} is the OTLP gRPC port`);
  }
  assert.ok(policyPorts.length > 0, 'a NetworkPolicy lets spans out to "observability"');
  for (const { file, port } of policyPorts) assert.ok(Object.values(CHART_PORTS).includes(port), `${file}: egress port ${port} is one of the chart's (${Object.values(CHART_PORTS).join(', ')})`);
  console.log(`k8s/: ${endpoints.length} OTLP endpoints, ${policyPorts.length} egress ports to observability, all on ${CHART_PORTS.otlpGrpc}`);
});

/** Where k8s/ sends spans: OTLP endpoint variables, and NetworkPolicy egress ports to "observability". */
function k8sSpanPaths() {
  const files = globSync('k8s/**/*.yaml', { cwd: root });
  const endpoints: Array<{ file: string; url: string }> = [];
  const policyPorts: Array<{ file: string; port: number }> = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(root, file), 'utf8'))) {
      walk(doc.toJS(), (key, value, parent) => {
        if (/^OTEL_EXPORTER_OTLP(_TRACES)?_ENDPOINT$/.test(key) && typeof value === 'string') endpoints.push({ file, url: value });
        if (key === 'name' && /^OTEL_EXPORTER_OTLP(_TRACES)?_ENDPOINT$/.test(String(value)) && typeof parent.value === 'string') endpoints.push({ file, url: parent.value });
      });
      const spec = doc.toJS()?.kind === 'NetworkPolicy' ? doc.toJS().spec : undefined;
      for (const rule of spec?.egress ?? []) {
        const toObservability = (rule.to ?? []).some((peer: { namespaceSelector?: { matchLabels?: Record<string, string> } }) => Object.values(peer.namespaceSelector?.matchLabels ?? {}).includes('observability'));
        if (toObservability) for (const p of rule.ports ?? []) policyPorts.push({ file, port: Number(p.port) });
      }
    }
  }
  return { files, endpoints, policyPorts };
}

function walk(node: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v, node as Record<string, unknown>);
      walk(v, visit);
    }
  }
}
