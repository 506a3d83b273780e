import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { hasReference, NO_REFERENCE, readYaml, REFERENCE } from './support/repo';
import { loadModels, unknownFields } from './support/strict-fields';

type Values = Record<string, unknown>;
const ours = readYaml<Values>('helm-values/jaeger.yaml');

/** Chart values the templates hand to Kubernetes as they are: checked against the Kubernetes type. */
const KUBERNETES_TYPED: Record<string, string> = {
  'jaeger.podSecurityContext': 'V1PodSecurityContext',
  'jaeger.securityContext': 'V1SecurityContext',
  'jaeger.resources': 'V1ResourceRequirements',
};

/**
 * Key paths of `values` that the chart does not know: keys absent from the chart's values.yaml, or
 * unknown to the Kubernetes type of a pass-through value. Below an empty map or list default the
 * content is free-form.
 */
export function unknownKeys(values: Values, defaults: Values, path: string[] = []): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const here = [...path, key];
    const k8sType = KUBERNETES_TYPED[here.join('.')];
    if (k8sType) return unknownFields(value, k8sType, here.join('.'));
    if (!(key in defaults)) return [here.join('.')];
    const def = defaults[key];
    const freeForm = def === null || (Array.isArray(def) ? true : typeof def === 'object' && Object.keys(def as object).length === 0);
    if (freeForm || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    return unknownKeys(value as Values, def as Values, here);
  });
}

describe('helm-values/jaeger.yaml for chart jaegertracing/jaeger 4.11.1', () => {
  before(loadModels);
  const load = () => {
    const text = readFileSync(join(REFERENCE, 'jaeger-chart-4.11.1-values.yaml'), 'utf8');
    return { defaults: parse(text) as Values, chart: parse(readFileSync(join(REFERENCE, 'jaeger-chart-4.11.1-Chart.yaml'), 'utf8')) as { version: string; appVersion: string } };
  };

  test('uses only keys that exist in the chart\'s values', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const { defaults, chart } = load();
    assert.equal(chart.version, readYaml<{ deploy: { helm: { releases: Array<{ version: string }> } } }>('skaffold.yaml').deploy.helm.releases[0].version);
    assert.deepEqual(unknownKeys(ours, defaults), []);
  });

  test('the key check catches chart 3.x keys and typos', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const { defaults } = load();
    const old = {
      allInOne: { enabled: true },
      provisionDataStore: { cassandra: false },
      query: { enabled: true },
      jaeger: { resourcez: {}, resources: { limits: { cpu: '1' } }, podSecurityContext: { runAsNonRot: true } },
    };
    assert.deepEqual(unknownKeys(old, defaults).sort(), ['allInOne', 'jaeger.podSecurityContext.runAsNonRot', 'jaeger.resourcez', 'provisionDataStore', 'query']);
  });

  test('in-memory storage is bounded, resources and pod security are set', () => {
    const jaeger = ours.jaeger as { args: string[]; resources: { requests: object; limits: object }; podSecurityContext: Record<string, unknown>; securityContext: Record<string, unknown> };
    const maxTraces = Number(/memory\.max_traces=(\d+)$/.exec(jaeger.args.find((a) => a.includes('max_traces')) ?? '')?.[1]);
    assert.ok(maxTraces > 0 && maxTraces <= 50_000, `max_traces ${maxTraces}`);
    assert.ok(jaeger.resources.requests && jaeger.resources.limits);
    assert.equal(jaeger.podSecurityContext.runAsNonRoot, true);
    assert.deepEqual(jaeger.podSecurityContext.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(jaeger.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual((jaeger.securityContext.capabilities as { drop: string[] }).drop, ['ALL']);
  });

  test('a "jaeger-query" Service on 16686 keeps the chart 3.x port-forward command working', () => {
    const svc = (ours.extraObjects as Array<{ kind: string; metadata: { name: string }; spec: { selector: Record<string, string>; ports: Array<{ port: number }> } }>)[0];
    assert.equal(svc.kind, 'Service');
    assert.equal(svc.metadata.name, 'jaeger-query');
    assert.deepEqual(svc.spec.selector, { 'app.kubernetes.io/name': 'jaeger', 'app.kubernetes.io/instance': 'jaeger', 'app.kubernetes.io/component': 'all-in-one' });
    assert.equal(svc.spec.ports[0].port, 16686);
  });
});
