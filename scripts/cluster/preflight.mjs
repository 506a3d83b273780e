// Checks before `up`: one clear line for each reason the cluster cannot start here.
import { readFileSync, readdirSync } from 'node:fs';
import { DIRS, PORTS, SOCKETS } from './config.mjs';
import { Fault, cmdline, daemonPid, listeners, run } from './lib/proc.mjs';
import { goVersion, isBuilt } from './lib/gobuild.mjs';
import { TOOLS } from './tools/index.mjs';

/** Why this machine cannot run the cluster, or undefined. */
export function unsupported() {
  if (process.platform !== 'linux') return `the local cluster runs Linux processes (kubelet, containerd, iptables); this is ${process.platform}: use Minikube instead`;
  const long = Object.values(SOCKETS).find((s) => s.length > 100);
  if (long) return `the checkout's path is too long for a unix socket (${long}: ${long.length} > 100 characters): clone it to a shorter path`;
  if (process.getuid?.() !== 0) return 'the local cluster needs root (containerd, the kubelet and iptables): run it as root, e.g. sudo npm run cluster -- up';
  return undefined;
}

/** The node's IPv4 address: the source address of the default route (no packet is sent). */
export function nodeIp() {
  const routes = JSON.parse(run('ip', ['-j', '-4', 'route', 'show', 'default']).stdout);
  const dev = routes[0]?.dev;
  if (!dev) throw new Fault('no default IPv4 route: the node needs an address other pods and the apiserver can reach');
  const addrs = JSON.parse(run('ip', ['-j', '-4', 'addr', 'show', 'dev', dev]).stdout);
  const ip = addrs[0]?.addr_info?.find((a) => a.family === 'inet')?.local;
  if (!ip) throw new Fault(`no IPv4 address on ${dev}`);
  return ip;
}

/** Every port a step listens on must be free or held by that step's own running daemon. */
export function checkPorts(steps) {
  for (const step of steps) {
    const ours = daemonPid(step.name);
    for (const port of step.ports ?? []) {
      for (const pid of listeners(port)) {
        if (ours && (pid === ours || isDescendant(pid, ours))) continue;
        const argv = cmdline(pid) ?? ['?'];
        throw new Fault(`port ${port} (${step.name}) is taken by pid ${pid} (${argv.join(' ').slice(0, 120)}); stop it, or if it is a cluster from another checkout, run \`npm run cluster -- down\` there (one cluster per machine)`);
      }
    }
  }
}

function isDescendant(pid, ancestor) {
  for (let p = pid, i = 0; p > 1 && i < 20; i++) {
    if (p === ancestor) return true;
    try {
      p = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}

/** Go is needed only when a tool is not cached yet. */
export function checkGo() {
  const missing = TOOLS.filter((t) => !isBuilt(t)).map((t) => t.name);
  if (missing.length && !goVersion()) throw new Fault(`Go is needed to build ${missing.join(', ')} (no \`go\` on PATH): install Go ≥ 1.26 (https://go.dev/dl) and run again`);
}

export { DIRS, PORTS };

/**
 * A Docker daemon the cluster did not start shares docker0 and the DOCKER chains with ours, and
 * `down` could not tell them apart: refuse instead.
 */
export function checkForeignDockerd() {
  const ours = daemonPid('dockerd');
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    if (p === ours) continue;
    const argv = cmdline(p);
    if (argv?.[0]?.endsWith('/dockerd') || argv?.[0] === 'dockerd') {
      throw new Fault(`a Docker daemon not started by this cluster runs (pid ${p}: ${argv.join(' ').slice(0, 100)}); it would share docker0 and the DOCKER iptables chains with the cluster's: stop it first (e.g. systemctl stop docker docker.socket)`);
    }
  }
}
