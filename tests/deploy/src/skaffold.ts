import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { Tools } from './tools';

/** The Skaffold `npm run cluster` builds from its Go module; it reads schemas up to skaffold/v4beta13. */
export const SKAFFOLD_VERSION = '2.16.1';
/** The profile that the kube context of `npm run cluster` switches on: it changes sources only. */
export const SOURCES_PROFILE = 'tracelab';

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
  skipBuildDependencies?: boolean;
  wait?: boolean;
}
export interface Artifact {
  image: string;
  context: string;
  docker?: { dockerfile: string; buildArgs?: Record<string, string> };
  custom?: { buildCommand: string; dependencies?: { paths?: string[] } };
}
export interface Profile {
  name: string;
  activation?: Array<{ kubeContext?: string; env?: string; command?: string }>;
  patches?: Array<{ op: string; path: string; value?: unknown }>;
  [field: string]: unknown;
}
export interface SkaffoldConfig {
  apiVersion: string;
  build: { local?: { push?: boolean; useBuildkit?: boolean }; artifacts: Artifact[]; [field: string]: unknown };
  manifests?: { kustomize?: { paths: string[] }; rawYaml?: string[] };
  deploy: { helm?: { releases: HelmRelease[] }; kubectl?: object; [deployer: string]: unknown };
  portForward?: Array<{ resourceType: string; resourceName: string; namespace?: string; port: number; localPort?: number }>;
  profiles?: Profile[];
}

/** skaffold.yaml as written (profiles not applied): what a reader of the file sees. */
export function loadSkaffold(root: string): SkaffoldConfig {
  return parse(readFileSync(join(root, 'skaffold.yaml'), 'utf8')) as SkaffoldConfig;
}

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where `npm run cluster` caches the Skaffold it builds (scripts/cluster/config.mjs CACHE, lib/gobuild.mjs binDir). */
export const cachedSkaffold = (env = process.env) => join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tracelab', 'cluster', `skaffold-${SKAFFOLD_VERSION}`, 'bin', 'skaffold');

/**
 * The real Skaffold: $SKAFFOLD_BIN, else the one `npm run cluster` built into the user's cache, else
 * `skaffold` on PATH. Or a one-line reason why there is none.
 */
export function findSkaffold(env = process.env): { bin: string } | { missing: string } {
  if (env.SKAFFOLD_BIN) return executable(env.SKAFFOLD_BIN) ? { bin: env.SKAFFOLD_BIN } : { missing: `SKAFFOLD_BIN=${env.SKAFFOLD_BIN} is not an executable file` };
  const cached = cachedSkaffold(env);
  if (executable(cached)) return { bin: cached };
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'skaffold')).find(executable);
  if (onPath) return { bin: onPath };
  return { missing: `no Skaffold: \`npm run cluster -- up\` builds Skaffold ${SKAFFOLD_VERSION} from its Go module into ${cached} (or set SKAFFOLD_BIN, or put skaffold on PATH)` };
}

/** The Helm 3 Skaffold needs (scripts/helm/build.mjs): Skaffold 2.16.1 runs `helm version --client` and passes --post-renderer, which Helm 4 lacks. */
export const HELM3_VERSION = 'v3.20.2';
export const cachedHelm3 = (env = process.env) => join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tracelab', 'helm', HELM3_VERSION, 'helm');

/** $HELM3_BIN, else the Helm 3 `node scripts/helm/build.mjs` built into the user's cache; or why there is none. */
export function findHelm3(env = process.env): { bin: string } | { missing: string } {
  if (env.HELM3_BIN) return executable(env.HELM3_BIN) ? { bin: env.HELM3_BIN } : { missing: `HELM3_BIN=${env.HELM3_BIN} is not an executable file` };
  const cached = cachedHelm3(env);
  if (executable(cached)) return { bin: cached };
  return { missing: `no Helm 3 for Skaffold (Skaffold ${SKAFFOLD_VERSION} cannot use Helm 4): \`node scripts/helm/build.mjs\` builds ${HELM3_VERSION} from its Go module into ${cached} (or set HELM3_BIN)` };
}

export interface SkaffoldResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let noKubeconfig: string | undefined;
/**
 * Runs Skaffold in `root` with the given kubectl and Helm 3 first on PATH (render calls them), no kube
 * context unless a kubeconfig is given (an empty one: nothing here may reach a cluster, and the
 * `tracelab` profile is switched on by name, not by whatever context the machine has), no update
 * check, no prompts.
 */
export function runSkaffold(bin: string, args: string[], tools: Tools, root: string, kubeconfig?: string): SkaffoldResult {
  noKubeconfig ??= (() => {
    const file = join(tmpdir(), `tracelab-empty-kubeconfig-${process.pid}`);
    writeFileSync(file, '');
    process.on('exit', () => spawnSync('rm', ['-f', file]));
    return file;
  })();
  // Helm's folder first: kubectl's (the npm package's) holds a Helm 4 too.
  const PATH = [dirname(tools.helm), dirname(tools.kubectl), process.env.PATH ?? ''].join(delimiter);
  const helmHome = join(root, '.tracelab', 'helm');
  const r = spawnSync(bin, [...args, '--filename', 'skaffold.yaml', '--update-check=false', '--interactive=false'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
    env: {
      ...process.env,
      PATH,
      KUBECONFIG: kubeconfig ?? noKubeconfig,
      SKAFFOLD_COLLECT_METRICS: 'false',
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    },
  });
  if (r.error) throw new Error(`skaffold ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const profileArgs = (profiles: string[], autoActivation = false) => [`--profile-auto-activation=${autoActivation}`, ...(profiles.length ? ['--profile', profiles.join(',')] : [])];

/**
 * The configuration `skaffold -p <profiles>` runs, as Skaffold itself applies the profiles
 * (`skaffold diagnose --yaml-only`). Profiles that switch on by themselves stay off unless a
 * kubeconfig is given, whose current context then decides.
 */
export function effectiveConfig(bin: string, profiles: string[], tools: Tools, root: string, kubeconfig?: string): SkaffoldResult & { config?: SkaffoldConfig } {
  const r = runSkaffold(bin, ['diagnose', '--yaml-only', ...profileArgs(profiles, kubeconfig !== undefined)], tools, root, kubeconfig);
  return r.status === 0 ? { ...r, config: parse(r.stdout) as SkaffoldConfig } : r;
}

/**
 * What `skaffold run -p <profiles>` would apply, from `skaffold render`: offline (no cluster), and
 * by default with the images as the manifests name them (`--digest-source=none`: no build). The
 * manifests go to a file (stdout also carries Skaffold's remarks); `manifests` is its content.
 */
export function render(bin: string, profiles: string[], tools: Tools, root: string, tmpRoot: string, extra = ['--digest-source=none']): SkaffoldResult & { manifests?: string } {
  const out = join(mkdtempSync(join(tmpRoot, 'render-')), 'manifests.yaml');
  const r = runSkaffold(bin, ['render', '--offline', ...extra, '--output', out, ...profileArgs(profiles)], tools, root);
  return r.status === 0 ? { ...r, manifests: readFileSync(out, 'utf8') } : r;
}
