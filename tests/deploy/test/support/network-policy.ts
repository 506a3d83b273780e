import type { Manifest } from './repo';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Array<{ protocol?: string; port?: number }>;
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes: Array<'Ingress' | 'Egress'>;
  ingress?: Rule[];
  egress?: Rule[];
}

/** A pod as NetworkPolicy sees it: its labels and its namespace's labels. */
export interface Endpoint {
  namespace: string;
  labels: Record<string, string>;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values!.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function peerMatches(peer: Peer, other: Endpoint, policyNamespace: string): boolean {
  const nsLabels = { 'kubernetes.io/metadata.name': other.namespace };
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, nsLabels)) return false;
    return peer.podSelector ? selects(peer.podSelector, other.labels) : true;
  }
  // A podSelector alone means pods of the policy's own namespace.
  return other.namespace === policyNamespace && selects(peer.podSelector ?? {}, other.labels);
}

/**
 * Whether TCP traffic from `source` to `target`:`port` is allowed by the policies, as the API
 * defines it: a pod not selected by any policy of a direction is open in that direction; a selected
 * pod allows only what some rule allows; both the source's egress and the target's ingress must allow.
 */
export function allowed(policies: Manifest[], source: Endpoint, target: Endpoint, port: number): boolean {
  return direction(policies, 'Egress', source, target, port) && direction(policies, 'Ingress', target, source, port);
}

function direction(policies: Manifest[], type: 'Ingress' | 'Egress', self: Endpoint, other: Endpoint, port: number): boolean {
  const applying = policies
    .filter((p) => p.metadata.namespace === self.namespace)
    .map((p) => p.spec as PolicySpec)
    .filter((spec) => spec.policyTypes.includes(type) && selects(spec.podSelector, self.labels));
  if (applying.length === 0) return true;
  return applying.some((spec) =>
    (type === 'Ingress' ? spec.ingress : spec.egress)?.some((rule) => {
      const peers = type === 'Ingress' ? rule.from : rule.to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, other, self.namespace));
      const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
      return peerOk && portOk;
    }),
  );
}
