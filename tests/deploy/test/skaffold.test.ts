import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { APPS, hasReference, loadKustomization, NO_REFERENCE, readYaml, REFERENCE, ROOT } from './support/repo';

interface Skaffold {
  apiVersion: string;
  build: { local: { push: boolean }; artifacts: Array<{ image: string; context: string; docker: { dockerfile: string } }> };
  manifests: { kustomize: { paths: string[] } };
  deploy: {
    helm: { releases: Array<{ name: string; repo: string; remoteChart: string; version: string; namespace: string; createNamespace: boolean; valuesFiles: string[]; wait: boolean }> };
    kubectl?: object;
  };
  portForward: Array<{ resourceType: string; resourceName: string; namespace: string; port: number; localPort: number }>;
  profiles: Array<{ name: string; patches: Array<{ op: string; path: string }> }>;
}

const skaffold = readYaml<Skaffold>('skaffold.yaml');

function schemaValidator() {
  const schema = JSON.parse(readFileSync(join(REFERENCE, 'skaffold-v4beta14.schema.json'), 'utf8'));
  // Skaffold's schema carries editor hints (x-intellij-*, markdownDescription): not validation keywords.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('skaffold.yaml', () => {
  test('validates against the Skaffold v4beta14 JSON schema', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const validate = schemaValidator();
    assert.equal(skaffold.apiVersion, 'skaffold/v4beta14');
    assert.ok(validate(skaffold), JSON.stringify(validate.errors?.slice(0, 3)));
  });

  test('the schema check catches mistakes: a misspelled field is rejected', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const validate = schemaValidator();
    const broken = structuredClone(skaffold) as unknown as { build: { artifacts: Array<Record<string, unknown>> } };
    broken.build.artifacts[0].dockerfile = 'apps/gateway/Dockerfile';
    assert.equal(validate(broken), false);
  });

  test('builds the three images locally from the repo root with their Dockerfiles, without pushing', () => {
    assert.equal(skaffold.build.local.push, false);
    assert.deepEqual(skaffold.build.artifacts.map((a) => a.image).sort(), [...APPS].sort());
    for (const a of skaffold.build.artifacts) {
      assert.equal(a.context, '.');
      assert.equal(a.docker.dockerfile, `apps/${a.image}/Dockerfile`);
      assert.ok(existsSync(join(ROOT, a.docker.dockerfile)));
    }
  });

  test('installs Jaeger with Helm (pinned 4.x chart, namespace observability, values file, wait) before the kustomize manifests', () => {
    const [jaeger] = skaffold.deploy.helm.releases;
    assert.equal(jaeger.name, 'jaeger');
    assert.equal(jaeger.remoteChart, 'jaeger');
    assert.equal(jaeger.repo, 'https://jaegertracing.github.io/helm-charts');
    assert.match(jaeger.version, /^4\.\d+\.\d+$/, 'an exact chart version');
    assert.equal(jaeger.namespace, 'observability');
    assert.equal(jaeger.createNamespace, true);
    assert.equal(jaeger.wait, true);
    for (const f of jaeger.valuesFiles) assert.ok(existsSync(join(ROOT, f)), f);
    assert.deepEqual(skaffold.manifests.kustomize.paths, ['k8s']);
    // With deploy.helm present, kubectl must be named to deploy the rendered manifests (helm runs first).
    assert.deepEqual(skaffold.deploy.kubectl, {});
    const order = Object.keys(skaffold.deploy);
    assert.ok(order.indexOf('helm') < order.indexOf('kubectl'));
  });

  test('port-forwards the Jaeger UI and the gateway to Services and ports that exist', () => {
    const { manifests } = loadKustomization();
    const forwards = new Map(skaffold.portForward.map((f) => [`${f.namespace}/${f.resourceName}`, f]));
    const jaeger = forwards.get('observability/jaeger')!;
    // Chart 4.x Service "jaeger" exposes the UI as port 16686 (see the reference chart facts).
    assert.deepEqual([jaeger.resourceType, jaeger.port, jaeger.localPort], ['service', 16686, 16686]);
    const gateway = forwards.get('tracelab/gateway')!;
    const svc = manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'gateway')!;
    assert.ok((svc.spec as { ports: Array<{ port: number }> }).ports.some((p) => p.port === gateway.port));
    assert.equal(gateway.localPort, 8080);
  });

  test('profile no-jaeger removes exactly the Helm release and its port-forward', () => {
    const profile = skaffold.profiles.find((p) => p.name === 'no-jaeger')!;
    assert.deepEqual(profile.patches, [
      { op: 'remove', path: '/deploy/helm' },
      { op: 'remove', path: '/portForward/0' },
    ]);
    assert.equal(skaffold.portForward[0].resourceName, 'jaeger');
  });
});
