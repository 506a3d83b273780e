import { join } from 'node:path';
import { chartWithDeclaredKeys, findChart } from './chart';
import { parseObjects, type Rendered } from './manifest';
import { ROOT } from './root';
import { deployPlan, loadSkaffold, withProfiles, type HelmRelease, type SkaffoldConfig } from './skaffold';
import { runTool, type Tools } from './tools';

/** "default" for no profile, else the profiles as `-p` takes them. */
export const configLabel = (profiles: string[]) => (profiles.length ? profiles.join(',') : 'default');

export interface ReleaseRender {
  release: HelmRelease;
  /** Where the chart came from, and its folder; undefined when it could not be had (then `skip` says why). */
  chart?: string;
  chartDir?: string;
  skip?: string;
  objects: Rendered[];
}
export interface ConfigRender {
  label: string;
  config: SkaffoldConfig;
  releases: ReleaseRender[];
  kustomize: Array<{ path: string; objects: Rendered[] }>;
}

function fail(label: string, what: string, result: { stderr: string; stdout: string }): never {
  throw new Error(`profile ${label}: ${what} failed:\n${[result.stdout, result.stderr].map((s) => s.trim()).filter(Boolean).join('\n')}`);
}

/** `kubectl kustomize <path>`, as Skaffold runs it for each entry of manifests.kustomize.paths. */
export function kustomize(tools: Tools, path: string, label: string, root = ROOT): Rendered[] {
  const r = runTool(tools.kubectl, ['kustomize', join(root, path)], root);
  if (r.status !== 0) fail(label, `kubectl kustomize ${path}`, r);
  return parseObjects(r.stdout, path);
}

function helmArgs(release: HelmRelease): string[] {
  const values = (release.valuesFiles ?? []).flatMap((f) => ['-f', f]);
  const sets = Object.entries(release.setValues ?? {}).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
  return ['--namespace', release.namespace, ...values, ...sets];
}

/**
 * `helm lint --strict`, then a lint against a copy that declares the chart's keys (a values key the
 * chart does not have fails with Helm's own message), then `helm template`: what `helm install`
 * would apply, with the release's name, namespace and values from skaffold.yaml.
 */
export function renderRelease(tools: Tools, release: HelmRelease, label: string, tmpRoot: string, root = ROOT): ReleaseRender {
  const chart = findChart(tools.helm, release, root);
  if ('skip' in chart) return { release, skip: chart.skip, objects: [] };
  const args = helmArgs(release);
  const what = `Helm release ${release.name} (values ${(release.valuesFiles ?? []).join(', ') || 'none'})`;
  const lint = runTool(tools.helm, ['lint', '--strict', chart.dir, ...args], root);
  if (lint.status !== 0) fail(label, `helm lint of ${what}`, lint);
  const declared = runTool(tools.helm, ['lint', '--strict', chartWithDeclaredKeys(chart.dir, tmpRoot), ...args], root);
  if (declared.status !== 0) fail(label, `helm lint of ${what} against the keys the chart knows`, declared);
  const template = runTool(tools.helm, ['template', release.name, chart.dir, ...args], root);
  if (template.status !== 0) fail(label, `helm template of ${what}`, template);
  const objects = parseObjects(template.stdout, `helm template ${release.name}`);
  // helm install puts the chart's namespaced objects into the release namespace.
  for (const { object } of objects) if (object.kind !== 'Namespace') object.metadata.namespace ??= release.namespace;
  return { release, chart: chart.from, chartDir: chart.dir, objects };
}

const releaseCache = new Map<string, ReleaseRender>();

/** Everything `skaffold dev -p <profiles>` would apply, rendered by the real tools. */
export function renderConfig(tools: Tools, profiles: string[], tmpRoot: string, root = ROOT): ConfigRender {
  const label = configLabel(profiles);
  const config = withProfiles(loadSkaffold(root), profiles);
  const plan = deployPlan(config);
  return {
    label,
    config,
    releases: plan.releases.map((r) => {
      // Most profiles leave the release alone: render each distinct one once.
      const key = JSON.stringify([root, r]);
      if (!releaseCache.has(key)) releaseCache.set(key, renderRelease(tools, r, label, tmpRoot, root));
      return releaseCache.get(key)!;
    }),
    kustomize: plan.kustomizePaths.map((path) => ({ path, objects: kustomize(tools, path, label, root) })),
  };
}
