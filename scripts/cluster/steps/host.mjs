// First step up, last step down: records what the host had, and at the end removes whatever the
// cluster's processes left on it (the CNI bridge, CNI-* and KUBE-* chains made by the cluster,
// mounts under the state folder, the pods' network namespaces) and restores forwarding settings.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, DIRS } from '../config.mjs';
import { forgetHost, removeChains, removeHostDirs, removeLink, restoreForwarding, snapshotHost } from '../lib/host.mjs';
import { unmountUnder } from '../lib/mounts.mjs';
import { foreignKubelet, podNetns, removeBridgeVeths, removeNetns, removePodCgroups } from '../lib/pods.mjs';

const NETNS_RECORD = join(DIRS.run, 'netns.json');

export const host = {
  name: 'host',
  up() {
    const fresh = snapshotHost();
    return `host state ${fresh ? 'recorded' : 'kept from the first up'} (links, iptables chains, FORWARD policy) in ${DIRS.run}; logs in ${DIRS.logs}`;
  },
  down() {
    const done = [];
    // A crashed kubelet or containerd leaves pods behind; a clean `down` has removed them already.
    if (!foreignKubelet()) {
      const { processes, cgroups } = removePodCgroups();
      if (processes) done.push(`${processes} orphaned pod processes`);
      if (cgroups) done.push(`${cgroups} pod cgroups`);
      const netns = removeNetns([...new Set([...recordedNetns(), ...podNetns()])]);
      if (netns) done.push(`${netns} pod network namespaces`);
    }
    const mounts = unmountUnder([DIRS.state]);
    if (mounts) done.push(`${mounts} mounts`);
    const veths = removeBridgeVeths();
    if (veths) done.push(`${veths} veths`);
    if (removeLink(CLUSTER.bridge)) done.push(`bridge ${CLUSTER.bridge}`);
    const chains = removeChains(/^(CNI-|KUBE-)/);
    if (chains) done.push(`${chains} CNI-*/KUBE-* chains`);
    restoreForwarding();
    const dirs = removeHostDirs(DIRS.state);
    if (dirs) done.push(`${dirs} pod log links and empty runtime folders`);
    forgetHost();
    // Runtime state only; certificates, etcd, registry, volumes and image caches stay for the next `up`.
    for (const d of [DIRS.containerdState, DIRS.dockerExec, DIRS.cniData, DIRS.run]) rmSync(d, { recursive: true, force: true });
    return done.length ? `host: removed leftovers: ${done.join(', ')}` : undefined;
  },
  status: () => `host: ${existsSync(join(DIRS.run, 'host-before.json')) ? 'cluster state recorded' : 'nothing recorded'}`,
};

/** Network namespaces of our pods, recorded by containerd's step before it stopped. */
function recordedNetns() {
  try {
    return JSON.parse(readFileSync(NETNS_RECORD, 'utf8')).filter((p) => existsSync(p));
  } catch {
    return [];
  }
}

export { NETNS_RECORD };
