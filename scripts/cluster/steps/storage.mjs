// Dynamic volumes, as Minikube gives them: the default StorageClass "standard" and a hostPath
// provisioner (go/provisioner, on sig-storage-lib-external-provisioner) running on the node.
// Volumes live under the state folder and survive `down`, as the cluster's objects in etcd do.
import { join } from 'node:path';
import { CLUSTER, DIRS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { kubectl } from '../lib/kube.mjs';
import { bin, provisioner } from '../tools/index.mjs';

const MANIFEST = new URL('../manifests/storage.yaml', import.meta.url).pathname;

export const storage = daemonStep({
  name: 'storage-provisioner',
  bin: () => bin(provisioner),
  args: () => [`-kubeconfig=${join(DIRS.pki, 'provisioner.kubeconfig')}`, `-root=${DIRS.volumes}`, `-name=${CLUSTER.provisionerName}`, `-node=${CLUSTER.nodeName}`],
  before: () => kubectl(['apply', '-f', MANIFEST]),
  ready: () => kubectl(['get', 'storageclass', CLUSTER.storageClass, '-o', 'name'], { allowFail: true }).status === 0,
  where: () => `StorageClass ${CLUSTER.storageClass} (default, ${CLUSTER.provisionerName}), volumes in ${DIRS.volumes}`,
});
