import type { Container, PodSpec } from './repo';

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * What the "restricted" Pod Security Standard (enforced on namespace tracelab) would refuse in a pod,
 * control by control as kubernetes.io/docs/concepts/security/pod-security-standards lists them.
 * Nothing here admits a pod; a cluster does, and none runs on these machines.
 */
export function restrictedViolations(pod: PodSpec): string[] {
  const out: string[] = [];
  const podSc = pod.securityContext ?? {};
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod[host]) out.push(`${host}: true`);
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) out.push(`volume ${v.name}: type ${type}`);
  }
  const containers: Container[] = [...(pod.initContainers ?? []), ...pod.containers];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const get = (field: string) => sc[field] ?? podSc[field];
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    const caps = (sc.capabilities ?? {}) as { drop?: string[]; add?: string[] };
    if (!caps.drop?.includes('ALL')) out.push(`${c.name}: capabilities.drop lacks ALL`);
    for (const add of caps.add ?? []) if (add !== 'NET_BIND_SERVICE') out.push(`${c.name}: adds capability ${add}`);
    if (get('runAsNonRoot') !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if (get('runAsUser') === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = (get('seccompProfile') as { type?: string } | undefined)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c.name}: seccompProfile ${seccomp}`);
    for (const p of (c.ports ?? []) as Array<{ hostPort?: number }>) if (p.hostPort) out.push(`${c.name}: hostPort ${p.hostPort}`);
  }
  return out;
}
