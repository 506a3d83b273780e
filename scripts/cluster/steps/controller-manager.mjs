// kube-controller-manager: one instance (no leader election); allocates the node's pod CIDR and
// signs with the cluster CA; a credential per controller, as kubeadm sets it up.
import { join } from 'node:path';
import { CLUSTER, DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { httpsGet } from '../lib/kube.mjs';
import { bin, kubernetes } from '../tools/index.mjs';

const pki = (f) => join(DIRS.pki, f);
const kubeconfig = pki('controller-manager.kubeconfig');

export const controllerManager = daemonStep({
  name: 'kube-controller-manager',
  ports: [PORTS.controllerManager],
  bin: () => bin(kubernetes, 'kube-controller-manager'),
  args: () => [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${PORTS.controllerManager}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki('sa.key')}`,
    `--root-ca-file=${pki('ca.crt')}`,
    `--cluster-signing-cert-file=${pki('ca.crt')}`,
    `--cluster-signing-key-file=${pki('ca.key')}`,
    '--allocate-node-cidrs=true',
    `--cluster-cidr=${CLUSTER.clusterCidr}`,
    `--service-cluster-ip-range=${CLUSTER.serviceCidr}`,
    '--node-cidr-mask-size=24',
    '--v=1',
  ],
  ready: async () => (await httpsGet(PORTS.controllerManager, '/healthz')).status === 200,
  where: () => `healthz https://127.0.0.1:${PORTS.controllerManager}/healthz`,
});
