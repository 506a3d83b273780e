import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { parse, stringify } from 'yaml';
import type { ConfigRender, ReleaseRender } from '../src/render';
import { restrictedViolations } from './support/pod-security';
import { podSpecOf, ROOT, type Manifest } from './support/repo';
import { objects, renderAll, TMP, UNSUPPORTED_PLATFORM } from './support/rendered';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate } from './support/validate';

type Pipeline = { receivers: string[]; processors?: string[]; exporters: string[] };
type JaegerConfig = {
  service: { pipelines: Record<string, Pipeline> };
  extensions: { jaeger_query: { storage: { traces: string } }; jaeger_storage: { backends: Record<string, { badger?: { directories: { keys: string; values: string }; ephemeral: boolean; ttl: { spans: string } } }> } };
  processors: { tail_sampling?: { decision_wait: string; policies: Array<{ name: string; type: string; [key: string]: unknown }> } };
  exporters: { jaeger_storage_exporter: { trace_storage: string } };
};

// The Jaeger binary, to validate the rendered configuration with its own `jaeger validate`.
const jaeger = (() => {
  const { findJaeger } = require(join(ROOT, 'scripts/jaeger/locate.mjs')) as { findJaeger(): { bin: string } | { missing: string } };
  return findJaeger();
})();
const NO_JAEGER = 'missing' in jaeger ? `skipped: ${jaeger.missing} (npm run jaeger:build)` : false;

/**
 * Profiles tail-sampling and badger: the Jaeger release rendered by the real `helm template` with the
 * values files Skaffold adds, its configuration as the chart mounts it, validated by the Jaeger binary.
 */
describe('Jaeger profiles tail-sampling and badger, rendered', { skip: UNSUPPORTED_PLATFORM }, () => {
  let renders: (label: string) => ConfigRender;
  const release = (label: string): ReleaseRender => renders(label).releases.find((r) => r.release.name === 'jaeger')!;
  const chart = (label: string) => objects(release(label).objects);
  const find = (label: string, kind: string, name: string) => chart(label).find((m) => m.kind === kind && m.metadata.name === name);
  const config = (label: string) => parse(String((find(label, 'ConfigMap', 'user-config')!.data as Record<string, string>)['user-config.yaml'])) as JaegerConfig;
  const needChart = (t: TestContext, label: string) => (release(label).skip ? (t.skip(release(label).skip), false) : true);

  before(async () => {
    await loadModels();
    renders = await renderAll();
  });

  for (const label of ['tail-sampling', 'badger']) {
    test(`${label}: Skaffold adds helm-values/jaeger-${label}.yaml after jaeger.yaml; every object valid, the pod restricted, one replica`, async (t) => {
      const values = renders(label).config.deploy!.helm!.releases[0].valuesFiles?.map((f) => relative(ROOT, f));
      assert.deepEqual(values, ['helm-values/jaeger.yaml', `helm-values/jaeger-${label}.yaml`]);
      if (!needChart(t, label)) return;
      for (const m of chart(label)) {
        await assert.doesNotReject(schemaValidate(m), `${m.kind}/${m.metadata.name}`);
        assert.deepEqual(unknownFields(m, typeName(m.apiVersion, m.kind)), [], `${m.kind}/${m.metadata.name}`);
      }
      const deployment = find(label, 'Deployment', 'jaeger')!;
      assert.deepEqual(restrictedViolations(podSpecOf(deployment)!), [], 'restricted Pod Security');
      // Tail sampling decides on whole traces and Badger locks its folder: exactly one pod at a time.
      assert.ok(((deployment.spec as { replicas?: number }).replicas ?? 1) === 1, 'one replica');
      assert.equal((deployment.spec as { strategy: { type: string } }).strategy.type, 'Recreate', 'the old pod goes before the new one starts');
      assert.ok(find(label, 'Service', 'jaeger-query'), 'the jaeger-query Service is still there');
    });

    test(`${label}: the rendered configuration passes the Jaeger binary's own \`jaeger validate\``, { skip: NO_JAEGER }, (t) => {
      if (!needChart(t, label)) return;
      const file = join(mkdtempSync(join(TMP, 'jaeger-config-')), 'user-config.yaml');
      writeFileSync(file, stringify(config(label)));
      const args = (podSpecOf(find(label, 'Deployment', 'jaeger')!)!.containers[0].args ?? []).filter((a) => a.startsWith('--set'));
      const out = spawnSync((jaeger as { bin: string }).bin, ['validate', `--config=${file}`, ...args], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(out.status, 0, `jaeger validate: ${out.stderr.split('\n').filter((l) => /rror/.test(l)).join('\n') || out.stderr.slice(-800)}`);
    });
  }

  test('tail-sampling: errors, traces over 50 ms and 10% of the rest go to storage; span metrics see every span first', (t) => {
    if (!needChart(t, 'tail-sampling')) return;
    const c = config('tail-sampling');
    assert.deepEqual(c.service.pipelines.traces, { receivers: ['otlp'], processors: ['tail_sampling', 'batch'], exporters: ['jaeger_storage_exporter'] });
    // A pipeline of its own from the same receiver: the metrics count spans that sampling then drops.
    assert.deepEqual(c.service.pipelines['traces/spanmetrics'], { receivers: ['otlp'], exporters: ['spanmetrics'] });
    assert.deepEqual(c.service.pipelines['metrics/spanmetrics'].exporters, ['prometheus']);
    const policies = c.processors.tail_sampling!.policies;
    assert.deepEqual(policies.map((p) => p.type), ['status_code', 'latency', 'probabilistic']);
    assert.deepEqual(policies[0].status_code, { status_codes: ['ERROR'] });
    assert.deepEqual(policies[1].latency, { threshold_ms: 50 });
    assert.deepEqual(policies[2].probabilistic, { sampling_percentage: 10 });
    // The same policies as local mode's scripts/jaeger/tail-sampling.yaml (whose share comes from the environment).
    const local = parse(require('node:fs').readFileSync(join(ROOT, 'scripts/jaeger/tail-sampling.yaml'), 'utf8')) as JaegerConfig;
    const localPolicies = local.processors.tail_sampling!.policies.map((p) => (p.type === 'probabilistic' ? { ...p, probabilistic: { sampling_percentage: 10 } } : p));
    assert.deepEqual(policies, localPolicies);
    assert.equal(c.processors.tail_sampling!.decision_wait, local.processors.tail_sampling!.decision_wait);
  });

  test('badger: traces in Badger on the PersistentVolumeClaim mounted at /badger, 24 h TTL', (t) => {
    if (!needChart(t, 'badger')) return;
    const c = config('badger');
    const badger = c.extensions.jaeger_storage.backends.badger_storage.badger!;
    assert.equal(c.extensions.jaeger_query.storage.traces, 'badger_storage');
    assert.equal(c.exporters.jaeger_storage_exporter.trace_storage, 'badger_storage');
    assert.deepEqual(badger.directories, { keys: '/badger/keys', values: '/badger/values' });
    assert.equal(badger.ephemeral, false);
    assert.equal(badger.ttl.spans, '24h');
    const pod = podSpecOf(find('badger', 'Deployment', 'jaeger')!)!;
    const volumes = (pod.volumes ?? []) as Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
    const volume = volumes.find((v) => v.persistentVolumeClaim?.claimName === 'jaeger-badger-data');
    assert.ok(volume, 'a volume from claim jaeger-badger-data');
    const mount = pod.containers[0].volumeMounts?.find((m) => m.name === volume.name);
    assert.equal(mount?.mountPath, '/badger');
    const claim = find('badger', 'PersistentVolumeClaim', 'jaeger-badger-data') as Manifest & { spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
    assert.ok(claim, 'the claim is rendered with the release');
    assert.equal(claim.metadata.namespace, release('badger').release.namespace);
    assert.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
    assert.match(claim.spec.resources.requests.storage, /^\d+Gi$/);
    // The pod writes as user 10001: the volume must be group-writable to it (fsGroup).
    assert.equal((podSpecOf(find('badger', 'Deployment', 'jaeger')!) as { securityContext?: { fsGroup?: number } }).securityContext?.fsGroup, 10001);
  });
});
