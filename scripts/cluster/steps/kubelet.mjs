// The kubelet on the cluster's containerd. cgroup v1 (hybrid) here: kubelet 1.35 refuses it unless
// failCgroupV1 is false, and the cgroupfs driver (no systemd to delegate to). On `down`, every pod
// sandbox is stopped and removed through CRI (crictl), so containerd and CNI undo their own
// network namespaces, veths and mounts; then the kubelet's volume mounts go.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, DIRS, PORTS, SOCKETS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { unmountUnder } from '../lib/mounts.mjs';
import { run } from '../lib/proc.mjs';
import { bin, crictl as crictlTool, kubernetes } from '../tools/index.mjs';

const pki = (f) => join(DIRS.pki, f);
const CONFIG = join(DIRS.config, 'kubelet.yaml');

const config = () => ({
  apiVersion: 'kubelet.config.k8s.io/v1beta1',
  kind: 'KubeletConfiguration',
  failCgroupV1: false,
  cgroupDriver: 'cgroupfs',
  containerRuntimeEndpoint: `unix://${SOCKETS.containerd}`,
  address: '0.0.0.0',
  port: PORTS.kubelet,
  healthzBindAddress: '127.0.0.1',
  healthzPort: PORTS.kubeletHealthz,
  readOnlyPort: 0,
  tlsCertFile: pki('kubelet.crt'),
  tlsPrivateKeyFile: pki('kubelet.key'),
  authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: pki('ca.crt') } },
  authorization: { mode: 'Webhook' },
  clusterDomain: CLUSTER.domain,
  clusterDNS: [CLUSTER.dnsServiceIp],
  resolvConf: '/etc/resolv.conf',
  failSwapOn: false,
  podLogsDir: join(DIRS.state, 'pod-logs'),
  rotateCertificates: false,
  serializeImagePulls: false,
  // A shared development machine: evict only when it is really out of room.
  evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '2%', 'imagefs.available': '2%' },
  imageGCHighThresholdPercent: 95,
  imageGCLowThresholdPercent: 90,
});

export const crictl = (args, opts) => run(bin(crictlTool), ['--runtime-endpoint', `unix://${SOCKETS.containerd}`, '--timeout', '30s', ...args], { timeoutMs: 90_000, ...opts });

/** Stops and removes every pod sandbox through CRI; returns how many there were. */
export function removeAllPods() {
  const r = crictl(['pods', '-q'], { allowFail: true });
  if (r.status !== 0) return 0;
  const ids = r.stdout.split('\n').filter(Boolean);
  for (const id of ids) {
    crictl(['stopp', id], { allowFail: true });
    crictl(['rmp', '--force', id], { allowFail: true });
  }
  return ids.length;
}

export const kubelet = daemonStep({
  name: 'kubelet',
  ports: [PORTS.kubelet, PORTS.kubeletHealthz],
  bin: () => bin(kubernetes, 'kubelet'),
  args: (ctx) => [
    `--config=${CONFIG}`,
    `--kubeconfig=${pki('kubelet-client.kubeconfig')}`,
    `--root-dir=${DIRS.kubelet}`,
    `--hostname-override=${CLUSTER.nodeName}`,
    `--node-ip=${ctx.nodeIp}`,
    '--v=1',
  ],
  before() {
    mkdirSync(DIRS.kubelet, { recursive: true });
    mkdirSync(DIRS.config, { recursive: true });
    writeFileSync(CONFIG, JSON.stringify(config(), null, 2));
  },
  ready: async () => (await fetch(`http://127.0.0.1:${PORTS.kubeletHealthz}/healthz`)).ok,
  readyTimeoutMs: 90_000,
  where: () => `node ${CLUSTER.nodeName}, https://0.0.0.0:${PORTS.kubelet}, root ${DIRS.kubelet}`,
  stopGraceMs: 15_000,
  afterStop() {
    const pods = removeAllPods();
    const mounts = unmountUnder([DIRS.kubelet]);
    return pods || mounts ? `${pods} pod sandboxes removed through CRI, ${mounts} kubelet mounts unmounted` : '';
  },
});
