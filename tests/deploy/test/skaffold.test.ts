import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { configLabel } from '../src/render';
import { parseObjects } from '../src/manifest';
import { effectiveConfig, findSkaffold, loadSkaffold, render, SOURCES_PROFILE, type SkaffoldConfig } from '../src/skaffold';
import type { Tools } from '../src/tools';
import { APPS, podSpecOf, ROOT, workloads } from './support/repo';
import type { ConfigRender } from '../src/render';
import { CANNOT_RENDER, CONFIGS, getTools, renderAll, skaffoldTools, TMP } from './support/rendered';
import { API_VERSION, skaffoldSchemaFile } from './support/skaffold-schema';

const skaffold = loadSkaffold(ROOT);
const schema = skaffoldSchemaFile();
const NO_SCHEMA = 'skip' in schema ? schema.skip : undefined;

function schemaValidator(): ValidateFunction {
  if (!('file' in schema)) throw new Error(schema.skip);
  // Skaffold's schema carries editor hints (x-intellij-*, markdownDescription): not validation keywords.
  return new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(schema.file, 'utf8')));
}

/** A copy of what Skaffold reads, with skaffold.yaml changed by `edit`. */
function copyWith(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(TMP, 'skaffold-'));
  for (const entry of ['k8s', 'helm-values']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  writeFileSync(join(dir, 'skaffold.yaml'), edit(readFileSync(join(ROOT, 'skaffold.yaml'), 'utf8')));
  return dir;
}

describe('skaffold.yaml as written', () => {
  test(`is ${API_VERSION}, valid against that schema as the Skaffold 2.16.1 module ships it`, { skip: NO_SCHEMA }, () => {
    assert.equal(skaffold.apiVersion, API_VERSION);
    const validate = schemaValidator();
    assert.ok(validate(skaffold), JSON.stringify(validate.errors?.slice(0, 3)));
  });

  test('the schema check catches mistakes: a misspelled field is rejected', { skip: NO_SCHEMA }, () => {
    const broken = structuredClone(skaffold) as unknown as { build: { artifacts: Array<Record<string, unknown>> } };
    broken.build.artifacts[0].dockerfil = 'Dockerfile';
    assert.equal(schemaValidator()(broken), false);
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

/** What the real Skaffold makes of the file: `skaffold diagnose --yaml-only` and `skaffold render`. */
describe('skaffold.yaml as Skaffold 2.16.1 reads it', { skip: CANNOT_RENDER }, () => {
  let tools: Tools;
  let bin: string;
  const diagnose = (profiles: string[], root = ROOT, kubeconfig?: string): SkaffoldConfig => {
    const r = effectiveConfig(bin, profiles, tools, root, kubeconfig);
    assert.equal(r.status, 0, `skaffold diagnose -p ${configLabel(profiles)}:\n${r.stderr}${r.stdout}`);
    return r.config!;
  };
  let renders: (label: string) => ConfigRender;
  before(async () => {
    renders = await renderAll();
    tools = skaffoldTools(await getTools());
    bin = (findSkaffold() as { bin: string }).bin;
  });

  test('every configuration, as Skaffold applies its profiles, is valid against the schema', { skip: NO_SCHEMA }, () => {
    const validate = schemaValidator();
    for (const profiles of [...CONFIGS, [SOURCES_PROFILE]]) {
      // diagnose prints the applied configuration without its profiles.
      const effective = diagnose(profiles);
      assert.ok(validate(effective), `-p ${configLabel(profiles)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
  });

  test('Skaffold refuses a misspelled field and an apiVersion newer than it reads, each with its own message', () => {
    const misspelt = copyWith((t) => t.replace('dockerfile: Dockerfile', 'dockerfil: Dockerfile'));
    const a = effectiveConfig(bin, [], tools, misspelt);
    assert.notEqual(a.status, 0);
    assert.match(a.stderr + a.stdout, /dockerfil/);
    const newer = copyWith((t) => t.replace(`apiVersion: ${API_VERSION}`, 'apiVersion: skaffold/v4beta14'));
    const b = effectiveConfig(bin, [], tools, newer);
    assert.notEqual(b.status, 0);
    assert.match(b.stderr + b.stdout, /unknown skaffold config API version "skaffold\/v4beta14"/);
  });

  test(`profile ${SOURCES_PROFILE} switches on with kube context ${SOURCES_PROFILE}, and not with another`, () => {
    const kubeconfig = (context: string) => {
      const file = join(mkdtempSync(join(TMP, 'kubeconfig-')), 'config');
      // A context whose server nothing listens on: diagnose reads the name and never connects.
      writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: ${context}, context: {cluster: c, user: u}}]\ncurrent-context: ${context}\n`);
      return file;
    };
    assert.deepEqual(diagnose([], ROOT, kubeconfig(SOURCES_PROFILE)), diagnose([SOURCES_PROFILE]));
    assert.deepEqual(diagnose(['slow-query'], ROOT, kubeconfig(SOURCES_PROFILE)), diagnose([SOURCES_PROFILE, 'slow-query']));
    assert.deepEqual(diagnose([], ROOT, kubeconfig('minikube')), diagnose([]));
  });

  for (const profiles of CONFIGS) {
    test(`-p ${configLabel(profiles)}: profile ${SOURCES_PROFILE} changes where things come from, never what is deployed`, () => {
      const user = diagnose(profiles);
      const local = diagnose([SOURCES_PROFILE, ...profiles]);
      // Images are pushed to a registry (the cluster's; SKAFFOLD_DEFAULT_REPO names it).
      assert.equal(user.build.local?.push, false);
      assert.equal(local.build.local?.push, true);
      // The same artifacts, plus stand-ins, built by scripts/standins, for the images a user pulls:
      // every image this configuration deploys that is not built by it (all of them without a profile).
      for (const a of user.build.artifacts) assert.deepEqual(local.build.artifacts.find((b) => b.image === a.image), a);
      const standIns = local.build.artifacts.filter((b) => !user.build.artifacts.some((u) => u.image === b.image));
      for (const a of standIns) {
        assert.match(a.custom?.buildCommand ?? '', new RegExp(`^node scripts/standins/build\\.mjs ${a.image.split('/').at(-1)}$`));
        for (const dep of a.custom?.dependencies?.paths ?? []) if (!dep.includes('*')) assert.ok(existsSync(join(ROOT, dep)), `${a.image}: dependency ${dep} missing`);
      }
      const render = renders(configLabel(profiles));
      const deployed = workloads([...render.kustomize, ...render.releases].flatMap((r) => r.objects).map((o) => o.object)).flatMap((w) => podSpecOf(w)!.containers.map((c) => c.image.replace(/:[^/:]+$/, '')));
      const pulled = [...new Set(deployed.filter((i) => !user.build.artifacts.some((a) => a.image === i)))].sort();
      const replaced = standIns.map((a) => a.image).sort();
      if (profiles.length === 0) assert.deepEqual(replaced, pulled, 'stand-ins for exactly the images a user pulls');
      else for (const image of pulled) assert.ok(replaced.includes(image), `${image} is pulled from a registry and has no stand-in`);
      // The Jaeger release: the same chart version, from a local copy instead of its repository.
      const [u, l] = [user.deploy.helm?.releases ?? [], local.deploy.helm?.releases ?? []];
      assert.equal(l.length, u.length);
      for (const [i, release] of u.entries()) {
        const { repo, remoteChart, ...rest } = release;
        const { chartPath, skipBuildDependencies, ...localRest } = l[i];
        assert.deepEqual(localRest, rest, 'everything but the chart source is the same');
        assert.equal(skipBuildDependencies, true, 'the copy carries its dependencies; helm dependency build would fetch them');
        assert.ok(repo && remoteChart && chartPath);
        // Skaffold prints paths absolute.
        const chart = parse(readFileSync(join(resolve(ROOT, chartPath), 'Chart.yaml'), 'utf8')) as { name: string; version: string };
        assert.deepEqual([chart.name, chart.version], [remoteChart, release.version], `${chartPath} is ${remoteChart} ${release.version}`);
      }
      // Nothing else differs: manifests, deployers, port-forwards, the rest of build.
      const strip = (c: SkaffoldConfig) => ({ ...c, build: { ...c.build, artifacts: [], local: { ...c.build.local, push: undefined } }, deploy: { ...c.deploy, helm: undefined } });
      assert.deepEqual(strip(local), strip(user));
    });
  }

  test(`with ${SOURCES_PROFILE}, Skaffold's own image replacement puts the registry's builds in place of the app images and postgres:18.4`, () => {
    // --digest-source=tag: the tags a build would give, without building. Without the Helm release:
    // its images are replaced by Helm's post-renderer at deploy time (tests/cluster sees the pod).
    const r = render(bin, [SOURCES_PROFILE, 'no-jaeger'], tools, ROOT, TMP, ['--digest-source=tag', '--default-repo=localhost:5000']);
    assert.equal(r.status, 0, r.stderr);
    const images = workloads(parseObjects(r.manifests!, 'skaffold render').map((o) => o.object)).flatMap((w) => podSpecOf(w)!.containers.map((c) => [w.metadata.name, c.image] as const));
    assert.deepEqual(images.map(([name]) => name).sort(), [...APPS, 'postgres'].sort());
    for (const [name, image] of images) assert.match(image, new RegExp(`^localhost:5000/${name}:\\S+$`), `${name}: ${image}`);
  });
});
