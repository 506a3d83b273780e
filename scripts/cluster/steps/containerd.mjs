// Debian's containerd with its own config, root, state and socket under the state folder, so a
// system containerd is never touched. Docker and the kubelet share it.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, CNI_BIN, DIRS, PORTS, SOCKETS, VERSIONS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { cmdline, run } from '../lib/proc.mjs';
import { NETNS_RECORD } from './host.mjs';

export const PAUSE_IMAGE = `${CLUSTER.registry}/tracelab/pause:${VERSIONS.pause}`;
const CONFIG = join(DIRS.config, 'containerd.toml');

// restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, and the sandbox's default -998
// makes every runc create fail ("can't get final child's PID from pipe: EOF").
const config = () => `version = 2
root = "${DIRS.containerdRoot}"
state = "${DIRS.containerdState}"

[grpc]
  address = "${SOCKETS.containerd}"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${CNI_BIN}"
    conf_dir = "${DIRS.cniConf}"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${DIRS.containerdHosts}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(DIRS.state, 'containerd', 'opt')}"
`;

// The local registry speaks plain HTTP on loopback.
const hostsToml = `server = "http://${CLUSTER.registry}"\n\n[host."http://${CLUSTER.registry}"]\n  capabilities = ["pull", "resolve", "push"]\n  skip_verify = true\n`;

// One bridge for the node's pods; hairpin so a pod reaches itself through its Service.
const cniConf = () => JSON.stringify({
  cniVersion: '1.0.0',
  name: CLUSTER.cniNetwork,
  plugins: [
    {
      type: 'bridge',
      bridge: CLUSTER.bridge,
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      ipam: { type: 'host-local', dataDir: DIRS.cniData, ranges: [[{ subnet: CLUSTER.podCidr }]], routes: [{ dst: '0.0.0.0/0' }] },
    },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ],
}, null, 2);

export const ctr = (args, opts) => run('ctr', ['--address', SOCKETS.containerd, ...args], opts);

export const containerd = daemonStep({
  name: 'containerd',
  bin: () => '/usr/bin/containerd',
  args: () => ['--config', CONFIG],
  before() {
    for (const d of [DIRS.config, DIRS.containerdRoot, DIRS.containerdState, DIRS.cniConf, DIRS.cniData]) mkdirSync(d, { recursive: true });
    writeFileSync(CONFIG, config());
    mkdirSync(join(DIRS.containerdHosts, CLUSTER.registry), { recursive: true });
    writeFileSync(join(DIRS.containerdHosts, CLUSTER.registry, 'hosts.toml'), hostsToml);
    writeFileSync(join(DIRS.cniConf, `10-${CLUSTER.cniNetwork}.conflist`), cniConf());
    if (existsSync(SOCKETS.containerd)) rmSync(SOCKETS.containerd);
  },
  ready: () => ctr(['version'], { allowFail: true, timeoutMs: 5000 }).status === 0,
  where: () => `socket ${SOCKETS.containerd}`,
  // Normally the kubelet step has removed every pod through CRI. What is left (a crashed kubelet,
  // Docker's build containers) is killed here, and the pods' network namespaces are recorded so
  // the host step can unmount them once containerd is gone.
  beforeStop() {
    const netns = [];
    for (const ns of ['k8s.io', 'moby']) {
      const ids = ctr(['-n', ns, 'containers', 'ls', '-q'], { allowFail: true }).stdout.split('\n').filter(Boolean);
      for (const id of ids) {
        try {
          const spec = JSON.parse(ctr(['-n', ns, 'containers', 'info', id]).stdout).Spec;
          const path = spec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
          if (path) netns.push(path);
        } catch {
          // gone meanwhile
        }
        ctr(['-n', ns, 'tasks', 'kill', '-s', 'SIGKILL', id], { allowFail: true });
        ctr(['-n', ns, 'tasks', 'delete', '-f', id], { allowFail: true });
        ctr(['-n', ns, 'containers', 'delete', id], { allowFail: true });
      }
    }
    writeFileSync(NETNS_RECORD, JSON.stringify([...new Set(netns)]));
  },
  afterStop() {
    const shims = leftoverShims();
    for (const pid of shims) process.kill(pid, 'SIGKILL');
    return shims.length ? `${shims.length} leftover shims killed` : '';
  },
});

/** containerd-shim processes started for our containerd (their command line names its socket). */
function leftoverShims() {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((pid) => {
      const argv = cmdline(pid);
      return argv?.[0]?.includes('containerd-shim') && argv.includes(SOCKETS.containerd);
    });
}

export { PORTS };
