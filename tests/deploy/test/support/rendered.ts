import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Rendered } from '../../src/manifest';
import { configLabel, renderConfig, type ConfigRender } from '../../src/render';
import { findHelm3, findSkaffold, loadSkaffold, SOURCES_PROFILE } from '../../src/skaffold';
import { kubernetesTools, UNSUPPORTED_PLATFORM as NO_TOOLS, type Tools } from '../../src/tools';
import { REFERENCE, ROOT, type Manifest } from './repo';

const skaffold = findSkaffold();
const helm3 = findHelm3();
/** Why nothing can be rendered here (no linux-x64 kubectl/helm, no Skaffold, or no Helm 3 for it), or undefined. */
export const CANNOT_RENDER = NO_TOOLS ?? ('missing' in skaffold ? `skipped: ${skaffold.missing}` : 'missing' in helm3 ? `skipped: ${helm3.missing}` : undefined);
/** kubectl and the Helm 3 that Skaffold runs (helm 4 of `tools` cannot serve it). */
export const skaffoldTools = (tools: Tools): Tools => ({ kubectl: tools.kubectl, helm: (findHelm3() as { bin: string }).bin });
/** The name the render tests import: the platform, and since Skaffold renders, Skaffold too. */
export const UNSUPPORTED_PLATFORM = CANNOT_RENDER;

/**
 * Every configuration `skaffold dev` is documented with: none, each profile, and a scenario with
 * load. Not `tracelab`: it changes where things come from, not what is deployed (skaffold.test.ts).
 */
export const CONFIGS: string[][] = [[], ...(loadSkaffold(ROOT).profiles ?? []).filter((p) => p.name !== SOURCES_PROFILE).map((p) => [p.name]), ['slow-query', 'load']];
export const LABELS = CONFIGS.map(configLabel);

const tmpRoot = mkdtempSync(join(tmpdir(), 'tracelab-render-'));
process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
export const TMP = tmpRoot;

let tools: Promise<Tools> | undefined;
export const getTools = () => (tools ??= kubernetesTools());

/**
 * What a render depends on: skaffold.yaml, k8s/, helm-values/, the reference chart, the code and
 * the binaries that render. Renders are cached under that key (.tracelab/render-cache/), so the test
 * files (one process each) render every configuration once between them, not once each.
 */
function renderKey(binaries: string[]): string {
  const hash = createHash('sha256');
  const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort() : []);
  // The compiled src/ too: a change in how things are rendered is a new key.
  for (const f of [join(ROOT, 'skaffold.yaml'), ...files(join(ROOT, 'k8s')), ...files(join(ROOT, 'helm-values')), ...files(join(__dirname, '..', '..', 'src'))]) hash.update(`${f}\0`).update(readFileSync(f));
  for (const f of [...files(join(REFERENCE, 'charts')), ...binaries]) {
    const st = statSync(f);
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 24);
}

type Stored = Record<string, ConfigRender | { error: string }>;

let all: Promise<(label: string) => ConfigRender> | undefined;
/**
 * All configurations, rendered by Skaffold once for every test file that asks (see renderKey). A
 * configuration that fails to render fails its own tests with the tool's message; the others are
 * still checked.
 */
export function renderAll(): Promise<(label: string) => ConfigRender> {
  all ??= getTools().then((t) => {
    const binaries = [(findSkaffold() as { bin: string }).bin, (findHelm3() as { bin: string }).bin, t.kubectl, t.helm];
    const cache = join(ROOT, '.tracelab', 'render-cache', `${renderKey(binaries)}.json`);
    let stored: Stored;
    if (existsSync(cache)) stored = JSON.parse(readFileSync(cache, 'utf8')) as Stored;
    else {
      stored = Object.fromEntries(
        CONFIGS.map((profiles): [string, ConfigRender | { error: string }] => {
          try {
            return [configLabel(profiles), renderConfig(t, profiles, tmpRoot)];
          } catch (e) {
            return [configLabel(profiles), { error: (e as Error).message }];
          }
        }),
      );
      mkdirSync(dirname(cache), { recursive: true });
      // Renders of other inputs are never read again.
      for (const f of readdirSync(dirname(cache))) rmSync(join(dirname(cache), f), { force: true });
      writeFileSync(`${cache}.${process.pid}`, JSON.stringify(stored));
      renameSync(`${cache}.${process.pid}`, cache);
    }
    return (label: string) => {
      const r = stored[label];
      if (!r) throw new Error(`no configuration ${label}`);
      if ('error' in r) throw new Error(r.error);
      return structuredClone(r);
    };
  });
  return all;
}

/**
 * TraceLab's objects of a configuration (its kustomize paths), without k8s/monitor's Prometheus,
 * which lives in namespace observability beside Jaeger (monitor.test.ts checks it).
 */
export const tracelab = (render: ConfigRender): Rendered[] => render.kustomize.flatMap((k) => k.objects).filter((r) => r.object.metadata.namespace !== 'observability');
/** The objects of its Helm releases. */
export const released = (render: ConfigRender): Rendered[] => render.releases.flatMap((r) => r.objects);
export const objects = (rendered: Rendered[]): Manifest[] => rendered.map((r) => r.object);
