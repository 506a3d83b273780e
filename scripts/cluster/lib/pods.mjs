// What pods leave when the kubelet or containerd died before `down` could remove them through CRI:
// their processes (orphaned when the shims die), their cgroups (the kubelet's /kubepods tree),
// their network namespaces (bind mounts in /run/netns) and veths on the cluster's bridge.
import { existsSync, readdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER } from '../config.mjs';
import { cmdline, daemonPid, run } from './proc.mjs';

const CGROUP_ROOT = '/sys/fs/cgroup';
const KUBEPODS = 'kubepods';

/** A kubelet we did not start would own /kubepods: then none of this is ours to touch. */
export function foreignKubelet() {
  const ours = daemonPid('kubelet');
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)
    .some((pid) => pid !== ours && /(^|\/)kubelet$/.test(cmdline(pid)?.[0] ?? ''));
}

function cgroupDirs() {
  if (!existsSync(CGROUP_ROOT)) return [];
  const out = [];
  const walk = (dir) => {
    out.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  for (const h of readdirSync(CGROUP_ROOT)) {
    const top = join(CGROUP_ROOT, h, KUBEPODS);
    if (existsSync(top)) walk(top);
  }
  return out;
}

/** Kills every process in the kubelet's pod cgroups, then removes those cgroups (deepest first). */
export function removePodCgroups() {
  const dirs = cgroupDirs();
  const pids = new Set();
  for (const d of dirs) {
    try {
      for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) pids.add(Number(p));
    } catch {
      // gone
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  let removed = 0;
  for (const d of dirs.sort((a, b) => b.length - a.length)) {
    for (let i = 0; i < 20; i++) {
      try {
        rmdirSync(d);
        removed++;
        break;
      } catch {
        run('sleep', ['0.1']);
      }
    }
  }
  return { processes: pids.size, cgroups: removed };
}

/** Network namespaces in /run/netns holding an address of the cluster's pod range. */
export function podNetns() {
  const dir = '/run/netns';
  if (!existsSync(dir)) return [];
  const prefix = CLUSTER.podCidr.split('.').slice(0, 3).join('.');
  return readdirSync(dir)
    .filter((n) => n.startsWith('cni-'))
    .filter((n) => {
      const r = run('ip', ['-n', n, '-j', '-4', 'addr', 'show'], { allowFail: true });
      return r.status === 0 && JSON.parse(r.stdout || '[]').some((l) => l.addr_info?.some((a) => a.local?.startsWith(`${prefix}.`)));
    })
    .map((n) => join(dir, n));
}

export function removeNetns(paths) {
  for (const p of paths) {
    run('umount', [p], { allowFail: true });
    rmSync(p, { force: true });
  }
  return paths.length;
}

/** Host ends of veths attached to the cluster's bridge. */
export function removeBridgeVeths() {
  const r = run('ip', ['-j', 'link', 'show', 'master', CLUSTER.bridge], { allowFail: true });
  if (r.status !== 0) return 0;
  const veths = JSON.parse(r.stdout || '[]').map((l) => l.ifname);
  for (const v of veths) run('ip', ['link', 'delete', v], { allowFail: true });
  return veths.length;
}
