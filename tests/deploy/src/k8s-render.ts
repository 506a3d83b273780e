// npm run k8s:render -- [-p profile[,profile]]: prints what `skaffold dev` with those profiles would
// apply (the Helm releases' objects, then TraceLab's), rendered by the real Skaffold (`skaffold
// render --offline`, the Jaeger chart from the local copy) after `helm lint` of the release.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { renderConfig } from './render';
import { ROOT } from './root';
import { kubernetesTools } from './tools';

const USAGE = 'usage: npm run k8s:render -- [-p profile[,profile…]]   (the profiles of skaffold.yaml; none = the default configuration)';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { profile: { type: 'string', short: 'p', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return console.log(USAGE);
  const profiles = (values.profile ?? []).flatMap((p) => p.split(',')).filter(Boolean);
  mkdirSync(join(ROOT, '.tracelab'), { recursive: true });
  const tmp = mkdtempSync(join(ROOT, '.tracelab', 'render-'));
  try {
    const render = renderConfig(await kubernetesTools(), profiles, tmp);
    const out: string[] = [];
    const summary: string[] = [];
    for (const r of render.releases) {
      if (r.skip) {
        summary.push(`Helm release ${r.release.name}: not rendered, ${r.skip}`);
        continue;
      }
      out.push(`# Helm release ${r.release.name} in namespace ${r.release.namespace}, chart ${r.chart}`);
      out.push(...r.objects.map((o) => `---\n${stringify(o.object)}`));
      summary.push(`Helm release ${r.release.name}: ${r.objects.length} objects`);
    }
    for (const k of render.kustomize) {
      out.push(`# kustomize ${k.path}`);
      out.push(...k.objects.map((o) => `---\n${stringify(o.object)}`));
      summary.push(`${k.path}: ${k.objects.length} objects`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    console.error(`skaffold dev${profiles.length ? ` -p ${profiles.join(',')}` : ''} would apply: ${summary.join('; ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  console.error(USAGE);
  process.exitCode = 1;
});
