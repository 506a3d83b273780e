import { existsSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartWithDeclaredKeys, findChart } from './chart';
import type { Manifest, Rendered } from './manifest';
import { REFERENCE, ROOT } from './root';
import { effectiveConfig, findHelm3, findSkaffold, render, SOURCES_PROFILE, type HelmRelease, type SkaffoldConfig, type SkaffoldResult } from './skaffold';
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
  /** The configuration as Skaffold runs it with these profiles (`skaffold diagnose --yaml-only`). */
  config: SkaffoldConfig;
  releases: ReleaseRender[];
  /** TraceLab's objects: what Skaffold rendered from its kustomize paths (one entry naming them all). */
  kustomize: Array<{ path: string; objects: Rendered[] }>;
}

function fail(label: string, what: string, result: { stderr: string; stdout: string }): never {
  // Skaffold's remark on --digest-source is no part of any failure.
  const output = [result.stdout, result.stderr].join('\n').split('\n').filter((l) => l.trim() && !l.startsWith('--digest-source set to'));
  throw new Error(`profile ${label}: ${what} failed:\n${output.join('\n')}`);
}

/**
 * The objects of `skaffold render`'s output, each with the chart it came from when `helm template`
 * made it (its `# Source: <chart>/templates/<file>` line).
 */
function parseRender(text: string, source: string): Array<Rendered & { chart?: string }> {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length) throw new Error(`${source} document ${i}: ${doc.errors[0].message}`);
    const object = doc.toJSON() as Manifest | null;
    if (!object) return [];
    // The yaml library keeps a leading comment on the document or, with no blank line after it, on its first node.
    const comments = `${doc.commentBefore ?? ''}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ''}`;
    const template = /(?:^|\n) ?Source: (([^/\s]+)\/templates\/\S+)/.exec(comments);
    return [{ object, source: template ? `helm template ${template[1]}` : `${source} #${i}`, chart: template?.[2] }];
  });
}

/** The Skaffold binary and the Helm 3 it runs, or an error whose message is the reason (tests skip on it first). */
export function skaffoldBinaries(): { skaffold: string; helm3: string } {
  const skaffold = findSkaffold();
  if ('missing' in skaffold) throw new Error(skaffold.missing);
  const helm3 = findHelm3();
  if ('missing' in helm3) throw new Error(helm3.missing);
  return { skaffold: skaffold.bin, helm3: helm3.bin };
}

function helmArgs(release: HelmRelease): string[] {
  const values = (release.valuesFiles ?? []).flatMap((f) => ['-f', f]);
  const sets = Object.entries(release.setValues ?? {}).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
  return ['--namespace', release.namespace, ...values, ...sets];
}

/**
 * `helm lint --strict` of the release's chart with its values, then a lint against a copy that
 * declares the chart's keys (a values key the chart does not have fails with Helm's own message).
 * Checks Skaffold does not make; the objects themselves come from `skaffold render`.
 */
export function lintRelease(tools: Tools, release: HelmRelease, label: string, tmpRoot: string, root = ROOT): Omit<ReleaseRender, 'objects'> {
  const chart = findChart(tools.helm, release, root);
  if ('skip' in chart) return { release, skip: chart.skip };
  const args = helmArgs(release);
  const what = `Helm release ${release.name} (values ${(release.valuesFiles ?? []).map((f) => relative(root, resolve(root, f))).join(', ') || 'none'})`;
  const lint = runTool(tools.helm, ['lint', '--strict', chart.dir, ...args], root);
  if (lint.status !== 0) fail(label, `helm lint of ${what}`, lint);
  const declared = runTool(tools.helm, ['lint', '--strict', chartWithDeclaredKeys(chart.dir, tmpRoot), ...args], root);
  if (declared.status !== 0) fail(label, `helm lint of ${what} against the keys the chart knows`, declared);
  return { release, chart: chart.from, chartDir: chart.dir };
}

/**
 * skaffold.yaml's `tracelab` profile takes the Jaeger chart from ../shared/reference beside the
 * checkout. A copy of the repository elsewhere (a test's broken copy) finds it there too.
 */
function linkReference(root: string): void {
  const shared = join(root, '..', 'shared');
  if (resolve(root) !== resolve(ROOT) && !existsSync(shared) && existsSync(REFERENCE)) symlinkSync(dirname(REFERENCE), shared);
}

const lintCache = new Map<string, Omit<ReleaseRender, 'objects'>>();
const check = (label: string, what: string, r: SkaffoldResult) => {
  if (r.status !== 0) fail(label, what, r);
};

/**
 * Everything `skaffold run -p <profiles>` would apply, rendered by the real Skaffold. The Jaeger
 * chart's repository cannot be reached here, so the render adds the `tracelab` profile, which swaps
 * only where things come from (tests check that); without the reference copy of the chart, the
 * release is left out (`no-jaeger`) and its ReleaseRender says why.
 */
export function renderConfig(tools: Tools, profiles: string[], tmpRoot: string, root = ROOT): ConfigRender {
  const label = configLabel(profiles);
  const { skaffold, helm3 } = skaffoldBinaries();
  const forSkaffold = { kubectl: tools.kubectl, helm: helm3 };
  linkReference(root);
  const diagnosed = effectiveConfig(skaffold, profiles, forSkaffold, root);
  check(label, `skaffold diagnose -p ${label}`, diagnosed);
  const config = diagnosed.config!;
  const releases = (config.deploy.helm?.releases ?? []).map((r) => {
    // Most profiles leave the release alone: lint each distinct one once.
    const key = JSON.stringify([root, r]);
    if (!lintCache.has(key)) lintCache.set(key, lintRelease(tools, r, label, tmpRoot, root));
    return lintCache.get(key)!;
  });
  const chartMissing = releases.find((r) => r.skip);
  const sourced = [SOURCES_PROFILE, ...profiles.filter((p) => p !== SOURCES_PROFILE), ...(chartMissing ? ['no-jaeger'] : [])];
  const rendered = render(skaffold, sourced, forSkaffold, root, tmpRoot);
  check(label, `skaffold render -p ${sourced.join(',')}`, rendered);
  const objects = parseRender(rendered.manifests!, `skaffold render -p ${sourced.join(',')}`);
  // `helm template` marks each object with the template it came from; kustomize's carry no mark.
  const fromKustomize = objects.filter((o) => !o.chart);
  const chartOf = (r: HelmRelease) => r.remoteChart ?? basename(r.chartPath ?? '');
  const unclaimed = objects.filter((o) => o.chart && !releases.some((r) => chartOf(r.release) === o.chart));
  if (unclaimed.length) throw new Error(`profile ${label}: skaffold render printed objects of chart ${unclaimed[0].chart}, which no release of the configuration installs`);
  // helm install puts the chart's namespaced objects into the release namespace.
  const ofRelease = (r: HelmRelease) => objects.filter((o) => o.chart === chartOf(r)).map((o) => ({ ...o, object: { ...o.object, metadata: { ...o.object.metadata, namespace: o.object.metadata.namespace ?? r.namespace } } }));
  return {
    label,
    config,
    releases: releases.map((r) => ({ ...r, objects: r.skip ? [] : ofRelease(r.release) })),
    // Skaffold prints the paths absolute.
    kustomize: [{ path: (config.manifests?.kustomize?.paths ?? []).map((p) => relative(root, resolve(root, p))).join(' + '), objects: fromKustomize }],
  };
}
