import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Manifest } from '../../src/manifest';
import { REFERENCE, ROOT } from '../../src/root';

export { REFERENCE, ROOT };
export type { Manifest };
export const hasReference = existsSync(join(REFERENCE, 'skaffold-v4beta14.schema.json'));
export const NO_REFERENCE = `skipped: ${REFERENCE} is absent, so the upstream schema to validate against is not available here`;

export const APPS = ['gateway', 'orders', 'inventory'] as const;

export function readYaml<T = unknown>(path: string): T {
  return parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

export function podSpecOf(m: Manifest): PodSpec | undefined {
  const spec = m.spec as { template?: { spec: PodSpec } } | undefined;
  return spec?.template?.spec;
}

export function podLabelsOf(m: Manifest): Record<string, string> {
  return (m.spec as { template?: { metadata?: { labels?: Record<string, string> } } })?.template?.metadata?.labels ?? {};
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, { name?: string; key: string; fieldPath?: string }> }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }> | null;
}
export interface Probe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  volumes?: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string }; emptyDir?: object; hostPath?: object }> | null;
}

export function workloads(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind));
}
