// What the tests read from the cluster: its environment as a user gets it, pods, port-forwards,
// and the memory its processes hold.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { capture, json, ROOT } from './run';

/**
 * The environment `eval "$(npm run -s cluster -- env)"` gives a user's shell (PATH with skaffold,
 * kubectl, helm and docker; KUBECONFIG; SKAFFOLD_DEFAULT_REPO), taken from that very shell.
 */
export function clusterEnv(): NodeJS.ProcessEnv {
  const r = spawnSync('bash', ['-c', 'eval "$(npm run -s cluster -- env)" && env -0'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`eval "$(npm run -s cluster -- env)" failed (exit ${r.status}): ${r.stderr.trim()}`);
  const env = Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  if (!env.KUBECONFIG) throw new Error('`npm run -s cluster -- env` exports no KUBECONFIG');
  return { ...env, SKAFFOLD_UPDATE_CHECK: 'false', SKAFFOLD_INTERACTIVE: 'false' };
}

export interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: Array<{ name: string; image: string }> };
  status: {
    phase: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; image: string; state?: Record<string, { reason?: string; message?: string }>; lastState?: Record<string, { reason?: string; exitCode?: number }> }>;
  };
}

export const pods = (env: NodeJS.ProcessEnv, namespace: string) => json<{ items: Pod[] }>('kubectl', ['get', 'pods', '-n', namespace, '-o', 'json'], env).items;

/** `http://<ClusterIP>:<port>` of a Service: the address in-cluster clients use, through kube-proxy's rules on this node. */
export function serviceUrl(env: NodeJS.ProcessEnv, namespace: string, service: string, port: number): string {
  const r = capture('kubectl', ['get', 'service', '-n', namespace, service, '-o', 'jsonpath={.spec.clusterIP}'], env);
  if (r.code !== 0 || !/^\d+\.\d+\.\d+\.\d+$/.test(r.stdout.trim())) throw new Error(`no ClusterIP for Service ${namespace}/${service}: ${r.stdout}${r.stderr}`.trim());
  return `http://${r.stdout.trim()}:${port}`;
}

const ready = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** One line per pod: name, phase, ready, restarts and why a container waits. */
export function describePods(list: Pod[]): string {
  return list
    .map((p) => {
      const why = (p.status.containerStatuses ?? []).flatMap((c) => Object.values(c.state ?? {}).map((s) => s.reason).filter(Boolean)).join(',');
      const restarts = (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
      const unscheduled = p.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status !== 'True');
      return `${p.metadata.namespace}/${p.metadata.name} ${p.status.phase}${ready(p) ? ' Ready' : ' not-ready'} restarts=${restarts}${why ? ` ${why}` : ''}${unscheduled ? ` (${unscheduled.message})` : ''}`;
    })
    .join('; ');
}

/** Every pod of the namespaces Ready, and at least `minimum` of them. */
export function allReady(env: NodeJS.ProcessEnv, namespaces: string[], minimum: number): { done: boolean; state: string } {
  const list = namespaces.flatMap((ns) => pods(env, ns));
  return { done: list.length >= minimum && list.every(ready), state: `${list.length} pods: ${describePods(list)}` };
}

export interface PortForward {
  url: string;
  stop(): void;
}

/** `kubectl port-forward` to a Service on a free local port; bounded wait for its "Forwarding from" line. */
export function portForward(env: NodeJS.ProcessEnv, namespace: string, service: string, port: number, timeoutMs = 30_000): Promise<PortForward> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('kubectl', ['port-forward', '-n', namespace, `svc/${service}`, `:${port}`, '--address', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onExit = () => child.kill('SIGTERM');
    const stop = () => (process.off('exit', onExit), child.kill('SIGTERM'));
    process.once('exit', onExit);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`kubectl port-forward svc/${service}:${port} in ${namespace} said nothing usable within ${timeoutMs / 1000} s: ${seen.trim()}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward svc/${service}:${port} in ${namespace} exited ${code}: ${seen.trim()}`));
    });
  });
}

/** What `kubectl label --dry-run=server` of a Pod Security level says about the pods already there. */
export function podSecurityWarnings(env: NodeJS.ProcessEnv, namespace: string, level: string): string {
  const r = capture('kubectl', ['label', '--dry-run=server', '--overwrite', 'namespace', namespace, `pod-security.kubernetes.io/enforce=${level}`], env);
  if (r.code !== 0) throw new Error(`kubectl label --dry-run=server namespace ${namespace}: ${r.stderr.trim()}`);
  return r.stderr.split('\n').filter((l) => /^Warning/.test(l)).join('\n');
}

// The programs a cluster of `npm run cluster` runs (scripts/cluster): with their descendants
// (containerd's shims and every container), they are the cluster's memory.
const CLUSTER_PROGRAMS = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'containerd', 'dockerd', 'docker-registry', 'coredns', 'provisioner']);

/** Resident memory (VmRSS) of the cluster's processes and all their descendants, from /proc. */
export function clusterMemory(): { mib: number; processes: number; byProgram: Record<string, number> } {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1] ?? '0';
      const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      let exe = '';
      try {
        exe = basename(readlinkSync(`/proc/${pid}/exe`));
      } catch {
        exe = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '';
      }
      return [{ pid, ppid, rss, exe }];
    } catch {
      return [];
    }
  });
  const children = new Map<string, typeof procs>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const counted = new Set<string>();
  const byProgram: Record<string, number> = {};
  const visit = (p: (typeof procs)[number], owner: string) => {
    if (counted.has(p.pid)) return;
    counted.add(p.pid);
    byProgram[owner] = (byProgram[owner] ?? 0) + p.rss / 1024;
    for (const c of children.get(p.pid) ?? []) visit(c, owner);
  };
  for (const p of procs) if (CLUSTER_PROGRAMS.has(p.exe)) visit(p, p.exe === 'containerd' ? 'containerd and its containers' : p.exe);
  // containerd's shims re-parent to init: count them and their containers too.
  for (const p of procs) if (p.exe.startsWith('containerd-shim')) visit(p, 'containerd and its containers');
  const mib = Object.values(byProgram).reduce((a, b) => a + b, 0);
  return { mib, processes: counted.size, byProgram: Object.fromEntries(Object.entries(byProgram).map(([k, v]) => [k, Math.round(v)])) };
}
