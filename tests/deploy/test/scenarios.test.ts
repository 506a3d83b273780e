import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { FAULT_NAMES, faultsConfigSchema } from '@tracelab/service-kit';
import type { ConfigRender } from '../src/render';
import { loadSkaffold } from '../src/skaffold';
import { faultOnlyDifferences, faultsData } from './support/faults';
import { APPS, podSpecOf, ROOT, workloads, type Manifest } from './support/repo';
import { objects, renderAll, tracelab, UNSUPPORTED_PLATFORM } from './support/rendered';

const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
const faults = (manifests: Manifest[]) => faultsData(manifests)!;

describe('fault scenarios and the load generator, as the profiles render them', { skip: UNSUPPORTED_PLATFORM }, () => {
  let renders: (label: string) => ConfigRender;
  const rendered = (label: string) => objects(tracelab(renders(label)));
  before(async () => {
    renders = await renderAll();
  });

  test('one overlay in k8s/scenarios and one Skaffold profile per fault the services know', () => {
    assert.deepEqual(readdirSync(join(ROOT, 'k8s/scenarios')).sort(), [...FAULT_NAMES].sort());
    const profiles = (loadSkaffold(ROOT).profiles ?? []).map((p) => p.name);
    for (const name of FAULT_NAMES) assert.ok(profiles.includes(name), `no profile ${name}`);
  });

  test('without a profile every fault knob is there, all off, read by the services through their own config schema', () => {
    const data = faults(rendered('default'));
    assert.deepEqual(Object.keys(data).sort(), Object.keys(faultsConfigSchema.shape).sort());
    const parsed = faultsConfigSchema.parse(data);
    assert.deepEqual(parsed.TRACELAB_FAULTS, []);
    assert.equal(parsed.TRACELAB_FAULT_INJECTION, false, 'per-request faults stay off outside local mode');
  });

  for (const name of FAULT_NAMES) {
    test(`-p ${name}: the default objects with exactly that fault switched on`, () => {
      assert.deepEqual(faultOnlyDifferences(rendered('default'), rendered(name), name), []);
      assert.deepEqual(faultsConfigSchema.parse(faults(rendered(name))).TRACELAB_FAULTS, [name]);
    });
  }

  test('-p load adds the loadgen ServiceAccount, Deployment and NetworkPolicy and its image; it targets the gateway Service', () => {
    const base = new Set(rendered('default').map(key));
    const added = rendered('load').filter((m) => !base.has(key(m)));
    assert.deepEqual(added.map(key).sort(), ['Deployment/loadgen', 'NetworkPolicy/loadgen', 'ServiceAccount/loadgen']);
    assert.deepEqual(rendered('load').filter((m) => base.has(key(m))), rendered('default'));
    assert.deepEqual(renders('load').config.build.artifacts.map((a) => a.image).sort(), [...APPS, 'loadgen'].sort());
    const c = podSpecOf(workloads(added)[0])!.containers[0];
    const target = new URL(c.env!.find((e) => e.name === 'LOAD_TARGET')!.value!);
    const svc = rendered('load').find((m) => m.kind === 'Service' && m.metadata.name === target.hostname);
    assert.ok(svc, `LOAD_TARGET ${target} names no rendered Service`);
    assert.ok((svc.spec as { ports: Array<{ port: number }> }).ports.some((p) => String(p.port) === target.port));
  });

  test('-p slow-query,load is the slow-query objects plus the loadgen objects', () => {
    const withLoad = rendered('slow-query,load');
    const loadOnly = rendered('load').filter((m) => m.metadata.name === 'loadgen');
    assert.deepEqual(withLoad, [...rendered('slow-query'), ...loadOnly]);
  });

  test('-p no-jaeger deploys the same TraceLab objects, no Helm release and no Jaeger port-forward', () => {
    const render = renders('no-jaeger');
    assert.deepEqual(rendered('no-jaeger'), rendered('default'));
    assert.deepEqual(render.releases, []);
    assert.ok(!(render.config.portForward ?? []).some((f) => f.resourceName === 'jaeger'));
    assert.ok((render.config.portForward ?? []).some((f) => f.resourceName === 'gateway'));
  });
});
