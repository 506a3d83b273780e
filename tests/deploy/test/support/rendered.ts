import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rendered } from '../../src/manifest';
import { configLabel, renderConfig, type ConfigRender } from '../../src/render';
import { loadSkaffold } from '../../src/skaffold';
import { kubernetesTools, UNSUPPORTED_PLATFORM, type Tools } from '../../src/tools';
import { ROOT, type Manifest } from './repo';

export { UNSUPPORTED_PLATFORM };

/** Every configuration `skaffold dev` is documented with: none, each profile, and a scenario with load. */
export const CONFIGS: string[][] = [[], ...(loadSkaffold(ROOT).profiles ?? []).map((p) => [p.name]), ['slow-query', 'load']];
export const LABELS = CONFIGS.map(configLabel);

const tmpRoot = mkdtempSync(join(tmpdir(), 'tracelab-render-'));
process.on('exit', () => rmSync(tmpRoot, { recursive: true, force: true }));
export const TMP = tmpRoot;

let tools: Promise<Tools> | undefined;
export const getTools = () => (tools ??= kubernetesTools());

let all: Promise<(label: string) => ConfigRender> | undefined;
/**
 * All configurations, rendered once per test file (each file is its own process). A configuration
 * that fails to render fails its own tests with the tool's message; the others are still checked.
 */
export function renderAll(): Promise<(label: string) => ConfigRender> {
  all ??= getTools().then((t) => {
    const results = new Map(
      CONFIGS.map((profiles): [string, ConfigRender | Error] => {
        try {
          return [configLabel(profiles), renderConfig(t, profiles, tmpRoot)];
        } catch (e) {
          return [configLabel(profiles), e as Error];
        }
      }),
    );
    return (label: string) => {
      const r = results.get(label);
      if (!r) throw new Error(`no configuration ${label}`);
      if (r instanceof Error) throw r;
      return r;
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
