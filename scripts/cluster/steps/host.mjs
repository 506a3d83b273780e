// First step up, last step down: records what the host had, and at the end removes whatever the
// cluster's processes left on it (the CNI bridge, CNI-* and KUBE-* chains made by the cluster,
// mounts under the state folder, the pods' network namespaces) and restores forwarding settings.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, DIRS } from '../config.mjs';
import { forgetHost, removeChains, removeHostDirs, removeLink, restoreForwarding, snapshotHost } from '../lib/host.mjs';
import { mountsUnder, unmountUnder } from '../lib/mounts.mjs';
import { run } from '../lib/proc.mjs';

const NETNS_RECORD = join(DIRS.run, 'netns.json');

export const host = {
  name: 'host',
  up() {
    const fresh = snapshotHost();
    return `host state ${fresh ? 'recorded' : 'kept from the first up'} (links, iptables chains, FORWARD policy) in ${DIRS.run}; logs in ${DIRS.logs}`;
  },
  down() {
    const done = [];
    const netns = leftoverNetns();
    for (const ns of netns) {
      run('umount', [ns], { allowFail: true });
      rmSync(ns, { force: true });
    }
    if (netns.length) done.push(`${netns.length} pod network namespaces`);
    const mounts = unmountUnder([DIRS.state]);
    if (mounts) done.push(`${mounts} mounts`);
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
function leftoverNetns() {
  let recorded = [];
  try {
    recorded = JSON.parse(readFileSync(NETNS_RECORD, 'utf8'));
  } catch {
    // nothing recorded
  }
  const mounted = new Set(mountsUnder(['/run/netns', '/var/run/netns']));
  return recorded.filter((p) => mounted.has(p) || existsSync(p));
}

export { NETNS_RECORD, readdirSync };
