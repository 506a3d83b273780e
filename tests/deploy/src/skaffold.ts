import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPatch, type Operation } from 'fast-json-patch';
import { parse } from 'yaml';

export interface HelmRelease {
  name: string;
  namespace: string;
  remoteChart?: string;
  chartPath?: string;
  repo?: string;
  version?: string;
  valuesFiles?: string[];
  setValues?: Record<string, unknown>;
  createNamespace?: boolean;
  wait?: boolean;
}
export interface Artifact {
  image: string;
  context: string;
  docker?: { dockerfile: string; buildArgs?: Record<string, string> };
}
export interface Profile {
  name: string;
  patches?: Operation[];
  [field: string]: unknown;
}
export interface SkaffoldConfig {
  apiVersion: string;
  build: { local?: { push?: boolean }; artifacts: Artifact[] };
  manifests?: { kustomize?: { paths: string[] }; rawYaml?: string[] };
  deploy: { helm?: { releases: HelmRelease[] }; kubectl?: object; [deployer: string]: unknown };
  portForward?: Array<{ resourceType: string; resourceName: string; namespace?: string; port: number; localPort?: number }>;
  profiles?: Profile[];
}

export function loadSkaffold(root: string): SkaffoldConfig {
  return parse(readFileSync(join(root, 'skaffold.yaml'), 'utf8')) as SkaffoldConfig;
}

/**
 * The configuration `skaffold dev -p <names>` runs: the profiles' JSON patches (RFC 6902, as Skaffold
 * applies them) in the order given. TraceLab's profiles only patch; any other profile field would
 * change the configuration in ways this does not model, so it is refused rather than ignored.
 */
export function withProfiles(config: SkaffoldConfig, names: string[]): SkaffoldConfig {
  const { profiles = [], ...base } = config;
  let effective = structuredClone(base) as SkaffoldConfig;
  for (const name of names) {
    const profile = profiles.find((p) => p.name === name);
    if (!profile) throw new Error(`unknown profile "${name}": skaffold.yaml defines ${profiles.map((p) => p.name).join(', ')}`);
    const unmodelled = Object.keys(profile).filter((k) => k !== 'name' && k !== 'patches');
    if (unmodelled.length) throw new Error(`profile "${name}" uses ${unmodelled.join(', ')}: only patches are modelled here`);
    try {
      effective = applyPatch(effective, profile.patches ?? [], true, false).newDocument;
    } catch (e) {
      throw new Error(`profile "${name}": its patches do not apply to skaffold.yaml: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return effective;
}

/** What a configuration deploys: Helm releases first, then the kustomize paths (Skaffold's order). */
export function deployPlan(config: SkaffoldConfig): { releases: HelmRelease[]; kustomizePaths: string[] } {
  const unmodelled = [
    ...Object.keys(config.deploy).filter((k) => !['helm', 'kubectl', 'statusCheckDeadlineSeconds'].includes(k)).map((k) => `deploy.${k}`),
    ...Object.keys(config.manifests ?? {}).filter((k) => k !== 'kustomize').map((k) => `manifests.${k}`),
  ];
  if (unmodelled.length) throw new Error(`skaffold.yaml uses ${unmodelled.join(', ')}: not modelled here`);
  return { releases: config.deploy.helm?.releases ?? [], kustomizePaths: config.manifests?.kustomize?.paths ?? [] };
}
