import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ConfigRender } from '../src/render';
import { allowed, type Endpoint } from './support/network-policy';
import { podLabelsOf, workloads, type Manifest } from './support/repo';
import { LABELS, objects, released, renderAll, tracelab, UNSUPPORTED_PLATFORM } from './support/rendered';

/**
 * The NetworkPolicies of each rendered configuration, evaluated path by path against the pods it
 * renders, with Jaeger's pod as the chart renders it. Evaluated, not enforced: no cluster runs here.
 */
describe('NetworkPolicies of every configuration allow exactly the request path', { skip: UNSUPPORTED_PLATFORM }, () => {
  let renders: (label: string) => ConfigRender;
  let jaeger: Endpoint | undefined;
  let jaegerSkip: string | undefined;
  before(async () => {
    renders = await renderAll();
    const release = renders('default').releases.find((r) => r.release.name === 'jaeger')!;
    jaegerSkip = release.skip;
    const deployment = workloads(objects(released(renders('default')))).find((w) => w.kind === 'Deployment' && w.metadata.name === release.release.name);
    if (deployment) jaeger = { namespace: release.release.namespace, labels: podLabelsOf(deployment) };
  });

  const outside: Endpoint = { namespace: 'default', labels: { app: 'curl' } };
  const dns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
  type Case = [from: string, to: string, port: number, expected: boolean];
  const cases: Case[] = [
    ['outside', 'gateway', 8080, true],
    ['outside', 'orders', 8080, false],
    ['outside', 'inventory', 8080, false],
    ['outside', 'postgres', 5432, false],
    ['gateway', 'orders', 8080, true],
    ['gateway', 'inventory', 8080, true],
    ['orders', 'inventory', 8080, true],
    ['inventory', 'orders', 8080, false],
    ['orders', 'postgres', 5432, true],
    ['inventory', 'postgres', 5432, true],
    ['gateway', 'postgres', 5432, false],
    ['inventory', 'kube-dns', 53, true],
    ['gateway', 'jaeger', 4317, true],
    ['orders', 'jaeger', 4317, true],
    ['inventory', 'jaeger', 4317, true],
    ['orders', 'jaeger', 16686, false],
    ['postgres', 'jaeger', 4317, false],
  ];
  const loadCases: Case[] = [
    ['loadgen', 'gateway', 8080, true],
    ['loadgen', 'orders', 8080, false],
    ['loadgen', 'postgres', 5432, false],
    ['loadgen', 'jaeger', 4317, false],
  ];

  const toJaeger = (c: Case) => c[0] === 'jaeger' || c[1] === 'jaeger';

  for (const label of LABELS) {
    const withLoad = label.split(',').includes('load');
    const manifests = (): Manifest[] => [...objects(tracelab(renders(label))), ...objects(released(renders(label)))];
    const pod = (name: string): Endpoint => {
      if (name === 'outside') return outside;
      if (name === 'kube-dns') return dns;
      if (name === 'jaeger') return jaeger!;
      const w = workloads(manifests()).find((m) => m.metadata.name === name && m.metadata.namespace === 'tracelab');
      assert.ok(w, `${name} is not rendered`);
      return { namespace: 'tracelab', labels: podLabelsOf(w) };
    };
    const check = (list: Case[]) => {
      const policies = manifests().filter((m) => m.kind === 'NetworkPolicy');
      for (const [from, to, port, expected] of list) {
        assert.equal(allowed(policies, pod(from), pod(to), port), expected, `${from} → ${to}:${port} should be ${expected ? 'allowed' : 'denied'}`);
      }
    };
    const profile = `skaffold dev${label === 'default' ? '' : ` -p ${label}`}`;

    test(`${profile}: ${withLoad ? 'the request path and loadgen → gateway only' : 'the request path, nothing else'}`, () => {
      const hasLoad = workloads(manifests()).some((w) => w.metadata.name === 'loadgen');
      assert.equal(hasLoad, withLoad, 'loadgen is deployed exactly by profile load');
      check([...cases, ...(hasLoad ? loadCases : [])].filter((c) => !toJaeger(c)));
    });

    // Jaeger's pod is the chart's: without the chart these cases cannot be evaluated, and say so.
    test(`${profile}: spans reach Jaeger's pod on 4317 from the services only`, (t) => {
      if (!jaeger) return t.skip(`Jaeger's pod was not rendered: ${jaegerSkip ?? 'no Deployment in the release'}`);
      check([...cases, ...(withLoad ? loadCases : [])].filter(toJaeger));
    });
  }
});
