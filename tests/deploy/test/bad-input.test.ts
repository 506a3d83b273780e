import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { renderConfig } from '../src/render';
import { kubernetesTools, TOOLS_PACKAGE, type Tools } from '../src/tools';
import { faultOnlyDifferences } from './support/faults';
import { podSpecOf, ROOT, workloads } from './support/repo';
import { getTools, objects, TMP, UNSUPPORTED_PLATFORM } from './support/rendered';
import { loadModels, unknownFields } from './support/strict-fields';

/** A copy of what Skaffold reads (skaffold.yaml, k8s/, helm-values/) to break on purpose. */
function brokenCopy(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(TMP, 'broken-'));
  for (const entry of ['skaffold.yaml', 'k8s', 'helm-values']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  edit(dir);
  return dir;
}
const editYaml = (dir: string, file: string, change: (doc: Record<string, unknown>) => void) => {
  const doc = parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  change(doc);
  writeFileSync(join(dir, file), stringify(doc));
};

describe('bad input fails with the profile, the path and the tool\'s own message (profiles and renders: Skaffold itself)', { skip: UNSUPPORTED_PLATFORM }, () => {
  let tools: Tools;
  before(async () => {
    tools = await getTools();
    await loadModels();
  });

  test('an overlay inside the base it includes (the layout this repository had): kustomize\'s cycle error', () => {
    const dir = brokenCopy((d) => {
      cpSync(join(d, 'k8s/base'), join(d, 'k8s'), { recursive: true });
      editYaml(d, 'k8s/scenarios/slow-query/kustomization.yaml', (k) => (k.resources = ['../..']));
    });
    assert.throws(() => renderConfig(tools, ['slow-query'], TMP, dir), (e: Error) => {
      assert.match(e.message, /^profile slow-query: skaffold render -p tracelab,slow-query failed:\nrunning \[kubectl kustomize .*\/k8s\/scenarios\/slow-query\]/);
      assert.match(e.message, /cycle detected: candidate root '.*\/k8s' contains visited root '.*\/k8s\/scenarios\/slow-query'/);
      return true;
    });
  });

  test('a base listing a file that does not exist: kustomize names it', () => {
    const dir = brokenCopy((d) => editYaml(d, 'k8s/base/kustomization.yaml', (k) => (k.resources as string[]).push('payments.yaml')));
    assert.throws(() => renderConfig(tools, [], TMP, dir), (e: Error) => {
      assert.match(e.message, /^profile default: skaffold render -p tracelab failed:\nrunning \[kubectl kustomize .*\/k8s\/base\]/);
      assert.match(e.message, /payments\.yaml/);
      return true;
    });
  });

  test('a misspelt field in a scenario overlay: kustomize\'s own message', () => {
    const dir = brokenCopy((d) =>
      editYaml(d, 'k8s/scenarios/n-plus-one/kustomization.yaml', (k) => {
        k.patchez = k.patches;
        delete k.patches;
      }),
    );
    assert.throws(() => renderConfig(tools, ['n-plus-one'], TMP, dir), (e: Error) => {
      assert.match(e.message, /^profile n-plus-one: skaffold render -p tracelab,n-plus-one failed:\nrunning \[kubectl kustomize .*\/k8s\/scenarios\/n-plus-one\]/);
      assert.match(e.message, /invalid Kustomization: json: unknown field \\?"patchez\\?"/);
      return true;
    });
  });

  test('a scenario patch on a misspelt key, which kustomize accepts: the scenario check names the difference', () => {
    const dir = brokenCopy((d) =>
      editYaml(d, 'k8s/scenarios/n-plus-one/kustomization.yaml', (k) => {
        const [patch] = k.patches as Array<{ patch: string }>;
        patch.patch = patch.patch.replace('/data/TRACELAB_FAULTS', '/data/TRACELAB_FAULT');
      }),
    );
    const defaults = objects(renderConfig(tools, [], TMP, dir).kustomize[0].objects);
    const scenario = objects(renderConfig(tools, ['n-plus-one'], TMP, dir).kustomize[0].objects);
    const differences = faultOnlyDifferences(defaults, scenario, 'n-plus-one');
    assert.equal(differences.length, 1, differences.join('\n'));
    assert.match(differences[0], /^ConfigMap\/faults-config differs: .*"TRACELAB_FAULT":"n-plus-one".*"TRACELAB_FAULTS":""/);
  });

  test('an unknown profile name: Skaffold\'s own message', () => {
    assert.throws(() => renderConfig(tools, ['slow-qurey'], TMP), /^Error: profile slow-qurey: skaffold diagnose -p slow-qurey failed:\nprofile selection \["slow-qurey"\] did not match those defined in any configurations/);
  });

  test('a profile whose patch does not apply to skaffold.yaml: Skaffold\'s own message', () => {
    const dir = brokenCopy((d) =>
      editYaml(d, 'skaffold.yaml', (s) => {
        const load = (s.profiles as Array<{ name: string; patches: Array<{ path: string }> }>).find((p) => p.name === 'load')!;
        load.patches.find((p) => p.path === '/manifests/kustomize/paths/-')!.path = '/manifests/kustomise/paths/-';
      }),
    );
    assert.throws(() => renderConfig(tools, ['load'], TMP, dir), /^Error: profile load: skaffold diagnose -p load failed:\nfailed to apply profiles to config "tracelab" .*applying profile "load": invalid path: \/manifests\/kustomise\/paths\/-/);
  });

  test('values keys the chart does not have (chart 3.x keys, a typo): Helm\'s own schema message', (t) => {
    const dir = brokenCopy((d) =>
      editYaml(d, 'helm-values/jaeger.yaml', (v) => {
        v.allInOne = { enabled: true };
        (v.jaeger as Record<string, unknown>).resourcez = {};
      }),
    );
    let message = '';
    try {
      const [release] = renderConfig(tools, [], TMP, dir).releases;
      if (release.skip) return t.skip(release.skip);
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, /^profile default: helm lint of Helm release jaeger \(values helm-values\/jaeger\.yaml\) against the keys the chart knows failed:\n/);
    assert.match(message, /additional properties 'allInOne' not allowed/);
    assert.match(message, /at '\/jaeger': additional properties 'resourcez' not allowed/);
  });

  test('a misspelt field inside a value the chart passes through (podSecurityContext): the rendered Deployment\'s unknown field', (t) => {
    const dir = brokenCopy((d) => editYaml(d, 'helm-values/jaeger.yaml', (v) => ((v.jaeger as { podSecurityContext: Record<string, unknown> }).podSecurityContext.runAsNonRot = true)));
    const [release] = renderConfig(tools, [], TMP, dir).releases;
    if (release.skip) return t.skip(release.skip);
    const deployment = workloads(objects(release.objects))[0];
    assert.ok(podSpecOf(deployment));
    assert.deepEqual(unknownFields(deployment, 'V1Deployment'), ['spec.template.spec.securityContext.runAsNonRot']);
  });

  test('a missing tools package says which package provides kubectl and helm', async () => {
    await assert.rejects(kubernetesTools(join(TMP, 'no-tools'), '/'), (e: Error) => {
      assert.match(e.message, new RegExp(`kubectl and helm come from the npm package ${TOOLS_PACKAGE.replace('/', '\\/')}`));
      return true;
    });
  });
});
