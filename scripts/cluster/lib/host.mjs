// What the host had before the first `up` (links, iptables chains, FORWARD policy, ip_forward),
// so that `down` removes exactly what the cluster added: chains and links it made, the rules
// that jump to them, and the settings it changed.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRS } from '../config.mjs';
import { run } from './proc.mjs';

const SNAPSHOT = join(DIRS.run, 'host-before.json');
const TABLES = ['filter', 'nat', 'mangle', 'raw'];
/** Folders containerd and the kubelet make at fixed places (not configurable in containerd 1.6 / kubelet). */
const HOST_DIRS = ['/var/log/containers', '/var/lib/cni/results', '/var/lib/cni', '/run/netns'];

export function links() {
  return JSON.parse(run('ip', ['-j', 'link', 'show']).stdout).map((l) => l.ifname);
}

export function chains() {
  const out = {};
  for (const t of TABLES) {
    const r = run('iptables-save', ['-t', t], { allowFail: true });
    out[t] = [...r.stdout.matchAll(/^:(\S+) /gm)].map((m) => m[1]);
  }
  return out;
}

const forwardPolicy = () => /^-P FORWARD (\w+)/m.exec(run('iptables', ['-S', 'FORWARD']).stdout)?.[1];
const ipForward = () => readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

/** Taken once, before anything starts; kept until a `down` has undone everything. */
export function snapshotHost() {
  if (existsSync(SNAPSHOT)) return false;
  mkdirSync(DIRS.run, { recursive: true });
  const dirs = HOST_DIRS.filter((d) => existsSync(d));
  writeFileSync(SNAPSHOT, JSON.stringify({ links: links(), chains: chains(), forwardPolicy: forwardPolicy(), ipForward: ipForward(), dirs }));
  return true;
}

export function hostBefore() {
  try {
    return JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
  } catch {
    return undefined;
  }
}

export const forgetHost = () => rmSync(SNAPSHOT, { force: true });

/**
 * Removes chains whose names match `pattern` and that the snapshot did not have, with every rule
 * that jumps to them and every rule matched by `alsoRule`. Returns how many chains went.
 */
export function removeChains(pattern, alsoRule = () => false) {
  const before = hostBefore()?.chains ?? {};
  let removed = 0;
  for (const t of TABLES) {
    const save = run('iptables-save', ['-t', t], { allowFail: true }).stdout;
    const ours = new Set([...save.matchAll(/^:(\S+) /gm)].map((m) => m[1]).filter((c) => pattern.test(c) && !(before[t] ?? []).includes(c)));
    const rules = save.split('\n').filter((l) => l.startsWith('-A '));
    for (const rule of rules) {
      const chain = rule.split(' ')[1];
      const target = / -[jg] (\S+)/.exec(rule)?.[1];
      if (ours.has(chain)) continue;
      if ((target && ours.has(target)) || alsoRule(rule)) {
        run('iptables', ['-t', t, ...splitRule(rule.replace(/^-A /, '-D '))], { allowFail: true });
      }
    }
    for (const c of ours) run('iptables', ['-t', t, '-F', c], { allowFail: true });
    for (const c of ours) if (run('iptables', ['-t', t, '-X', c], { allowFail: true }).status === 0) removed++;
  }
  return removed;
}

/** iptables-save quotes comments with spaces; split the way a shell would. */
function splitRule(rule) {
  return [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]));
}

/** Deletes a link the cluster made (never one the snapshot had). */
export function removeLink(name) {
  if ((hostBefore()?.links ?? []).includes(name)) return false;
  if (!links().includes(name)) return false;
  run('ip', ['link', 'delete', name], { allowFail: true });
  return true;
}

export function restoreForwarding() {
  const before = hostBefore();
  if (!before) return;
  if (before.forwardPolicy && forwardPolicy() !== before.forwardPolicy) run('iptables', ['-P', 'FORWARD', before.forwardPolicy], { allowFail: true });
  if (before.ipForward && ipForward() !== before.ipForward) writeFileSync('/proc/sys/net/ipv4/ip_forward', before.ipForward);
}

/**
 * Removes the kubelet's links in /var/log/containers that point into `stateDir`, then the fixed
 * folders above that the cluster created, if empty. Returns how many entries went.
 */
export function removeHostDirs(stateDir) {
  const before = hostBefore()?.dirs ?? HOST_DIRS;
  let n = 0;
  if (existsSync('/var/log/containers')) {
    for (const f of readdirSync('/var/log/containers')) {
      const path = join('/var/log/containers', f);
      try {
        if (readlinkSync(path).startsWith(`${stateDir}/`)) (rmSync(path), n++);
      } catch {
        // not a link
      }
    }
  }
  for (const d of HOST_DIRS) {
    if (before.includes(d) || !existsSync(d) || readdirSync(d).length) continue;
    rmdirSync(d);
    n++;
  }
  return n;
}
