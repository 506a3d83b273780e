import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { FAULT_NAMES, faultsConfigSchema } from '@tracelab/service-kit';
import { parse } from 'yaml';
import { allowed } from './support/network-policy';
import { loadKustomization, podLabelsOf, podSpecOf, readYaml, ROOT, workloads } from './support/repo';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate, strip } from './support/validate';

interface Profile {
  name: string;
  patches: Array<{ op: string; path: string; value?: unknown }>;
}
const skaffold = readYaml<{ profiles: Profile[] }>('skaffold.yaml');
const profile = (name: string) => skaffold.profiles.find((p) => p.name === name);
const base = loadKustomization();
const faultsConfig = base.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'faults-config')!;

describe('fault scenarios on Kubernetes: one kustomize overlay and one Skaffold profile each', () => {
  test('the base ConfigMap holds every fault knob, all off, and the services read it', () => {
    const data = faultsConfig.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), Object.keys(faultsConfigSchema.shape).sort());
    const parsed = faultsConfigSchema.parse(data);
    assert.deepEqual(parsed.TRACELAB_FAULTS, []);
    assert.equal(parsed.TRACELAB_FAULT_INJECTION, false, 'per-request faults stay off outside local mode');
    for (const app of ['gateway', 'orders', 'inventory']) {
      const c = podSpecOf(workloads(base.manifests).find((w) => w.metadata.name === app)!)!.containers[0];
      assert.ok(c.envFrom?.some((f) => f.configMapRef?.name === 'faults-config'), `${app} reads faults-config`);
    }
  });

  test('k8s/scenarios holds exactly one overlay per fault', () => {
    assert.deepEqual(readdirSync(join(ROOT, 'k8s/scenarios')).sort(), [...FAULT_NAMES].sort());
  });

  for (const name of FAULT_NAMES) {
    test(`${name}: overlay turns it on for every request; \`skaffold dev -p ${name}\` deploys that overlay`, () => {
      const k = readYaml<{ resources: string[]; patches: Array<{ target: { kind: string; name: string }; patch: string }> }>(`k8s/scenarios/${name}/kustomization.yaml`);
      assert.deepEqual(k.resources, ['../..']);
      assert.equal(k.patches.length, 1);
      assert.deepEqual(k.patches[0].target, { kind: 'ConfigMap', name: 'faults-config' });
      const ops = parse(k.patches[0].patch) as Array<{ op: string; path: string; value: string }>;
      assert.deepEqual(ops, [{ op: 'replace', path: '/data/TRACELAB_FAULTS', value: name }]);
      const patched = { ...(faultsConfig.data as Record<string, string>), TRACELAB_FAULTS: ops[0].value };
      assert.deepEqual(faultsConfigSchema.parse(patched).TRACELAB_FAULTS, [name]);
      assert.deepEqual(profile(name)?.patches, [{ op: 'replace', path: '/manifests/kustomize/paths/0', value: `k8s/scenarios/${name}` }]);
    });
  }
});

describe('profile "load": the load generator image and Deployment', () => {
  const load = loadKustomization('k8s/loadgen');
  before(loadModels);

  test('every manifest validates against the API schema and has no unknown field', async () => {
    for (const m of load.manifests) {
      await schemaValidate(m);
      assert.deepEqual(unknownFields(strip(m), typeName(m.apiVersion, m.kind)), [], m.source);
    }
  });

  test('the profile builds the image the Deployment runs, and adds k8s/loadgen to the manifests', () => {
    const patches = profile('load')!.patches;
    const artifact = patches.find((p) => p.path === '/build/artifacts/-')!.value as { image: string; context: string; docker: { dockerfile: string } };
    const [deployment] = workloads(load.manifests);
    assert.equal(podSpecOf(deployment)!.containers[0].image, artifact.image);
    assert.equal(artifact.context, '.');
    assert.ok(existsSync(join(ROOT, artifact.docker.dockerfile)));
    assert.deepEqual(patches.find((p) => p.path === '/manifests/kustomize/paths/-')!.value, 'k8s/loadgen');
    assert.equal(load.namespace, base.namespace);
  });

  test('restricted security, requests and limits, and it targets the gateway Service', () => {
    const spec = podSpecOf(workloads(load.manifests)[0])!;
    assert.equal(spec.securityContext?.runAsNonRoot, true);
    assert.deepEqual(spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
    const c = spec.containers[0];
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
    assert.ok(c.resources?.requests?.cpu && c.resources?.limits?.memory);
    const target = new URL(c.env!.find((e) => e.name === 'LOAD_TARGET')!.value!);
    const svc = base.manifests.find((m) => m.kind === 'Service' && m.metadata.name === target.hostname)!;
    assert.ok((svc.spec as { ports: Array<{ port: number }> }).ports.some((p) => String(p.port) === target.port));
  });

  test('NetworkPolicies with the base: loadgen may reach the gateway and nothing else', () => {
    const policies = [...base.manifests, ...load.manifests].filter((m) => m.kind === 'NetworkPolicy');
    const pod = (m: typeof base.manifests, name: string) => ({ namespace: base.namespace, labels: podLabelsOf(workloads(m).find((w) => w.metadata.name === name)!) });
    const loadgen = pod(load.manifests, 'loadgen');
    assert.equal(allowed(policies, loadgen, pod(base.manifests, 'gateway'), 8080), true);
    assert.equal(allowed(policies, loadgen, pod(base.manifests, 'orders'), 8080), false);
    assert.equal(allowed(policies, loadgen, pod(base.manifests, 'postgres'), 5432), false);
  });
});
