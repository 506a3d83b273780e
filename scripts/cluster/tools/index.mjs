// Every tool the cluster builds, in build order (the biggest first shares its build cache with the rest).
import { CACHE } from '../config.mjs';
import { binDir, buildTool, isBuilt } from '../lib/gobuild.mjs';
import { coredns, crictl, etcd } from './runtime.mjs';
import { kubernetes } from './kubernetes.mjs';
import { pause, provisioner, smokeWeb } from './local.mjs';
import { skaffold } from './skaffold.mjs';

export const TOOLS = [kubernetes, etcd, coredns, crictl, pause, provisioner, skaffold];
/** What the cluster itself runs; Skaffold is built by the last step, once the cluster answers. */
export const CLUSTER_TOOLS = TOOLS.filter((t) => t !== skaffold);

/** Absolute path of a built binary. */
export function bin(spec, output = spec.outputs[0]) {
  return `${binDir(spec.name, spec.version)}/${output}`;
}

/** Builds what is missing; `log` gets one line per tool. Returns { name: seconds }. */
export async function buildAll({ log = console.log, only, tools = TOOLS } = {}) {
  const times = {};
  for (const spec of tools) {
    if (only && !only.includes(spec.name)) continue;
    if (isBuilt(spec)) {
      times[spec.name] = 0;
      continue;
    }
    log(`  building ${spec.name} ${spec.version} from its Go module (cached in ${CACHE})…`);
    const r = await buildTool(spec);
    times[spec.name] = r.seconds;
    log(`  built ${spec.name} ${spec.version} in ${r.seconds.toFixed(0)} s`);
  }
  return times;
}

export { coredns, crictl, etcd, kubernetes, pause, provisioner, skaffold, smokeWeb };
