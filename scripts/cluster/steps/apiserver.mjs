// kube-apiserver: Node,RBAC authorization, service accounts signed by the cluster's key, and the
// kubelet reached over TLS it verifies with the cluster CA.
import { join } from 'node:path';
import { CLUSTER, DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { httpsGet } from '../lib/kube.mjs';
import { bin, kubernetes } from '../tools/index.mjs';
import { ETCD_URL } from './etcd.mjs';

const pki = (f) => join(DIRS.pki, f);

export const apiserver = daemonStep({
  name: 'kube-apiserver',
  ports: [PORTS.apiserver],
  bin: () => bin(kubernetes, 'kube-apiserver'),
  args: (ctx) => [
    `--advertise-address=${ctx.nodeIp}`,
    '--bind-address=0.0.0.0',
    `--secure-port=${PORTS.apiserver}`,
    `--etcd-servers=${ETCD_URL}`,
    `--service-cluster-ip-range=${CLUSTER.serviceCidr}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--client-ca-file=${pki('ca.crt')}`,
    `--tls-cert-file=${pki('apiserver.crt')}`,
    `--tls-private-key-file=${pki('apiserver.key')}`,
    `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
    `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
    `--kubelet-certificate-authority=${pki('ca.crt')}`,
    '--kubelet-preferred-address-types=InternalIP,Hostname',
    `--service-account-key-file=${pki('sa.pub')}`,
    `--service-account-signing-key-file=${pki('sa.key')}`,
    `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER.domain}`,
    `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${pki('front-proxy-client.crt')}`,
    `--proxy-client-key-file=${pki('front-proxy-client.key')}`,
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ],
  ready: async () => (await httpsGet(PORTS.apiserver, '/readyz')).status === 200,
  readyTimeoutMs: 120_000,
  where: () => `https://127.0.0.1:${PORTS.apiserver}`,
});
