import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments, parse } from 'yaml';
import type { ProbeResult } from './support/chart-probe';
import { jaegerSuite, located, root } from './support/jaeger';

const CHART_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, health: 13133 };

/**
 * The Helm chart runs the same binary with its built-in configuration plus `jaeger.args` from
 * helm-values/jaeger.yaml. Here the binary gets exactly those arguments, in a private network
 * namespace (root + unshare), so it listens on the chart's real ports (4317, 13133, and the many
 * others of its built-in configuration) without colliding with anything on this machine.
 */
jaegerSuite('the deploy path: the chart\'s arguments on the real binary, and k8s/ pointing where it listens', () => {
  const chartArgs: string[] = parse(readFileSync(join(root, 'helm-values/jaeger.yaml'), 'utf8')).jaeger.args;
  let probe: ProbeResult;
  let namespaceMissing = '';

  before(() => {
    const bin = 'bin' in located ? located.bin : '';
    const probeJs = join(__dirname, 'support/chart-probe.js');
    const run = spawnSync('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, probeJs, bin, JSON.stringify(chartArgs), JSON.stringify(CHART_PORTS)], { encoding: 'utf8', timeout: 90_000 });
    const last = run.stdout?.trim().split('\n').at(-1);
    if (run.status === 0 && last) probe = JSON.parse(last);
    else namespaceMissing = `no private network namespace for the chart's fixed ports (unshare --net: ${(run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n')[0]}); needs root`;
  });
  after(() => {
    if (probe?.error) console.log(`Jaeger log:\n${probe.log?.slice(-10).join('\n')}`);
  });

  test('Jaeger accepts exactly the chart\'s arguments, answers GET /status on 13133 and stores a span sent over OTLP gRPC to 4317', (t) => {
    if (namespaceMissing) return t.skip(namespaceMissing);
    assert.ok(chartArgs.some((a) => a.includes('memory.max_traces=')), `helm-values/jaeger.yaml bounds memory storage: ${chartArgs}`);
    assert.equal(probe.error, undefined, `Jaeger with ${chartArgs.join(' ')}: ${probe.error}`);
    assert.equal(probe.status.code, 200, `GET /status: ${probe.status.body}`);
    assert.ok(probe.otlpTraceFound, 'a span exported over OTLP gRPC comes back from GET /api/v3/traces/{id}');
    assert.ok(probe.uiAnswered, 'the query port answers GET /');
    for (const port of Object.values(CHART_PORTS)) assert.ok(probe.listening.includes(port), `listens on ${port}: ${probe.listening.join(', ')}`);
    console.log(`chart args accepted in a private network namespace; listening on ${probe.listening.join(', ')}`);
  });

  test('every OTLP endpoint in k8s/ names the chart\'s Service "jaeger" in "observability" on the port the binary serves OTLP gRPC on', (t) => {
    if (namespaceMissing) return t.skip(namespaceMissing);
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
    assert.ok(endpoints.length > 0, `an OTLP endpoint is set somewhere under k8s/ (${files.length} files)`);
    const served = probe.listening;
    for (const { file, url } of endpoints) {
      const parsed = new URL(url);
      assert.match(parsed.hostname, /^jaeger\.observability(\.svc(\.cluster\.local)?)?$/, `${file}: ${url}`);
      assert.equal(Number(parsed.port), CHART_PORTS.otlpGrpc, `${file}: ${url} is the OTLP gRPC port`);
      assert.ok(served.includes(Number(parsed.port)), `${file}: Jaeger listens on ${parsed.port}`);
    }
    assert.ok(policyPorts.length > 0, 'a NetworkPolicy lets spans out to "observability"');
    for (const { file, port } of policyPorts) assert.ok(served.includes(port), `${file}: egress port ${port} is one Jaeger listens on`);
    const chart = join(root, '../shared/reference/charts/jaeger/templates/jaeger');
    if (!existsSync(chart)) console.log(`chart templates not checked: ${chart} is absent (../shared/reference)`);
    else {
      // The chart's templates (not YAML until rendered): Service otlp-grpc port → container port, probes on /status.
      const service = readFileSync(join(chart, 'jaeger-service.yaml'), 'utf8');
      const otlp = /name: otlp-grpc\s+port: (\d+)\s+targetPort: (\d+)/.exec(service);
      assert.ok(otlp, 'the chart\'s Service has an otlp-grpc port');
      for (const { file, url } of endpoints) assert.equal(new URL(url).port, otlp[1], `${file}: ${url} is the Service's otlp-grpc port`);
      assert.ok(served.includes(Number(otlp[2])), `the Service targets ${otlp[2]}, which Jaeger listens on`);
      const probes = [...readFileSync(join(chart, 'jaeger-deploy.yaml'), 'utf8').matchAll(/path: (\S+)\s+port: (\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
      assert.deepEqual(new Set(probes), new Set([`/status:${CHART_PORTS.health}`]), 'the chart probes GET /status on the health port the binary answered on');
    }
    console.log(`k8s/: ${endpoints.length} OTLP endpoints, ${policyPorts.length} egress ports to observability, all on ${CHART_PORTS.otlpGrpc}`);
  });
});

function walk(node: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v, node as Record<string, unknown>);
      walk(v, visit);
    }
  }
}
