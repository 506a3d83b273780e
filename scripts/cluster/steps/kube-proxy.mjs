// kube-proxy in iptables mode. conntrack.maxPerCore 0: leave the host's conntrack table size alone
// (writing it needs privileges a container host may not give). `down` runs `kube-proxy --cleanup`,
// which removes its KUBE-* chains, then removes any it left.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { removeChains } from '../lib/host.mjs';
import { run } from '../lib/proc.mjs';
import { bin, kubernetes } from '../tools/index.mjs';

const CONFIG = join(DIRS.config, 'kube-proxy.yaml');

const config = () => ({
  apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
  kind: 'KubeProxyConfiguration',
  clientConnection: { kubeconfig: join(DIRS.pki, 'kube-proxy.kubeconfig') },
  mode: 'iptables',
  clusterCIDR: CLUSTER.clusterCidr,
  hostnameOverride: CLUSTER.nodeName,
  healthzBindAddress: `127.0.0.1:${PORTS.proxyHealthz}`,
  metricsBindAddress: `127.0.0.1:${PORTS.proxyMetrics}`,
  conntrack: { maxPerCore: 0 },
  // NodePorts on the node's own address only (kube-proxy warns that all local IPs is a risky default).
  nodePortAddresses: ['primary'],
});

export const kubeProxy = daemonStep({
  name: 'kube-proxy',
  ports: [PORTS.proxyHealthz, PORTS.proxyMetrics],
  bin: () => bin(kubernetes, 'kube-proxy'),
  args: () => [`--config=${CONFIG}`, '--v=1'],
  before() {
    mkdirSync(DIRS.config, { recursive: true });
    writeFileSync(CONFIG, JSON.stringify(config(), null, 2));
  },
  ready: async () => (await fetch(`http://127.0.0.1:${PORTS.proxyHealthz}/healthz`)).ok,
  where: () => `mode iptables, healthz http://127.0.0.1:${PORTS.proxyHealthz}/healthz`,
  afterStop() {
    if (existsSync(bin(kubernetes, 'kube-proxy'))) run(bin(kubernetes, 'kube-proxy'), ['--cleanup', '--v=0'], { allowFail: true });
    const left = removeChains(/^KUBE-/);
    return left ? `${left} KUBE-* chains removed` : '';
  },
});
