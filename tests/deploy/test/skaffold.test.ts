import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { loadSkaffold, withProfiles } from '../src/skaffold';
import { APPS, hasReference, NO_REFERENCE, REFERENCE, ROOT } from './support/repo';
import { CONFIGS } from './support/rendered';

const skaffold = loadSkaffold(ROOT);

function schemaValidator() {
  const schema = JSON.parse(readFileSync(join(REFERENCE, 'skaffold-v4beta14.schema.json'), 'utf8'));
  // Skaffold's schema carries editor hints (x-intellij-*, markdownDescription): not validation keywords.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('skaffold.yaml', () => {
  test('validates against the Skaffold v4beta14 JSON schema, and so does every profile\'s result', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const validate = schemaValidator();
    assert.equal(skaffold.apiVersion, 'skaffold/v4beta14');
    assert.ok(validate(skaffold), JSON.stringify(validate.errors?.slice(0, 3)));
    for (const profiles of CONFIGS) {
      const effective = withProfiles(skaffold, profiles);
      assert.ok(validate(effective), `-p ${profiles.join(',')}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
  });

  test('the schema check catches mistakes: a misspelled field is rejected', (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const validate = schemaValidator();
    const broken = structuredClone(skaffold) as unknown as { build: { artifacts: Array<Record<string, unknown>> } };
    broken.build.artifacts[0].dockerfil = 'Dockerfile';
    assert.equal(validate(broken), false);
  });

  test('builds the service images locally from the repository root, without pushing', () => {
    assert.equal(skaffold.build.local?.push, false);
    assert.deepEqual(skaffold.build.artifacts.map((a) => a.image).sort(), [...APPS].sort());
    for (const a of skaffold.build.artifacts) {
      assert.equal(a.context, '.');
      assert.ok(a.docker && existsSync(join(ROOT, a.docker.dockerfile)), `${a.image}: ${a.docker?.dockerfile} missing`);
    }
  });

  test('installs Jaeger with Helm (pinned 4.x chart, namespace observability, values file, wait) before the kustomize manifests', () => {
    const [jaeger] = skaffold.deploy.helm!.releases;
    assert.equal(jaeger.name, 'jaeger');
    assert.equal(jaeger.remoteChart, 'jaeger');
    assert.equal(jaeger.repo, 'https://jaegertracing.github.io/helm-charts');
    assert.match(jaeger.version ?? '', /^4\.\d+\.\d+$/, 'an exact chart version');
    assert.equal(jaeger.namespace, 'observability');
    assert.equal(jaeger.createNamespace, true);
    assert.equal(jaeger.wait, true);
    for (const f of jaeger.valuesFiles ?? []) assert.ok(existsSync(join(ROOT, f)), f);
    // With deploy.helm present, kubectl must be named to deploy the rendered manifests (helm runs first).
    assert.deepEqual(skaffold.deploy.kubectl, {});
    const order = Object.keys(skaffold.deploy);
    assert.ok(order.indexOf('helm') < order.indexOf('kubectl'));
  });
});
