// What each pod uses (kubelet's summary API) against what its spec requests and limits.
import { json } from './run';

type Quantity = { cpu?: string; memory?: string };
interface PodSpec {
  metadata: { name: string; namespace: string };
  spec: { containers: Array<{ name: string; resources?: { requests?: Quantity; limits?: Quantity } }> };
}
interface Summary {
  pods: Array<{ podRef: { name: string; namespace: string }; containers?: Array<{ name: string; cpu?: { usageNanoCores?: number }; memory?: { workingSetBytes?: number } }> }>;
}

/** millicores from "200m" / "1", MiB from "128Mi" / "1Gi" / bytes. */
export const millicores = (q?: string) => (q === undefined ? undefined : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
export function mebibytes(q?: string): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(q);
  if (!m) throw new Error(`memory quantity ${q}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024, K: 1000 / 1048576, M: 1e6 / 1048576, G: 1e9 / 1048576 }[m[2] ?? ''] ?? 1 / 1048576;
  return Number(m[1]) * factor;
}

export interface Usage {
  pod: string;
  container: string;
  /** Mean of the samples, millicores. */
  cpu: number;
  cpuPeak: number;
  /** Highest working set seen, MiB. */
  memory: number;
  requests: { cpu?: number; memory?: number };
  limits: { cpu?: number; memory?: number };
}

/** `samples` reads of the summary API `intervalMs` apart, for every container of the namespaces. */
export async function measure(env: NodeJS.ProcessEnv, node: string, namespaces: string[], samples: number, intervalMs: number): Promise<Usage[]> {
  const seen = new Map<string, { cpu: number[]; memory: number[] }>();
  for (let i = 0; i < samples; i++) {
    if (i) await new Promise((r) => setTimeout(r, intervalMs));
    const summary = json<Summary>('kubectl', ['get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`], env);
    for (const p of summary.pods.filter((x) => namespaces.includes(x.podRef.namespace)))
      for (const c of p.containers ?? []) {
        const key = `${p.podRef.namespace}/${p.podRef.name}\t${c.name}`;
        const s = seen.get(key) ?? { cpu: [], memory: [] };
        if (c.cpu?.usageNanoCores !== undefined) s.cpu.push(c.cpu.usageNanoCores / 1e6);
        if (c.memory?.workingSetBytes !== undefined) s.memory.push(c.memory.workingSetBytes / 1048576);
        seen.set(key, s);
      }
  }
  const specs = namespaces.flatMap((ns) => json<{ items: PodSpec[] }>('kubectl', ['get', 'pods', '-n', ns, '-o', 'json'], env).items);
  return [...seen].flatMap(([key, s]) => {
    const [pod, container] = key.split('\t');
    const spec = specs.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === pod)?.spec.containers.find((c) => c.name === container);
    if (!spec || !s.cpu.length || !s.memory.length) return [];
    const r = spec.resources ?? {};
    return [{
      pod, container,
      cpu: s.cpu.reduce((a, b) => a + b, 0) / s.cpu.length,
      cpuPeak: Math.max(...s.cpu),
      memory: Math.max(...s.memory),
      requests: { cpu: millicores(r.requests?.cpu), memory: mebibytes(r.requests?.memory) },
      limits: { cpu: millicores(r.limits?.cpu), memory: mebibytes(r.limits?.memory) },
    }];
  });
}

const fmt = (v?: number, unit = '') => (v === undefined ? '–' : `${v.toFixed(0)}${unit}`);
export const usageLine = (u: Usage) =>
  `${u.pod.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$|-[a-z0-9]{5}$/, '')}: cpu ${fmt(u.cpu)}m (peak ${fmt(u.cpuPeak)}m; request ${fmt(u.requests.cpu)}m, limit ${fmt(u.limits.cpu)}m), memory ${fmt(u.memory)} MiB (request ${fmt(u.requests.memory)} Mi, limit ${fmt(u.limits.memory)} Mi)`;
