import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** Repository root, from tests/deploy/.test-dist/test/support. */
export const ROOT = resolve(__dirname, '../../../../..');
/** Reference copies of upstream files, beside the repository in `shared/reference` (absent on some machines). */
export const REFERENCE = resolve(ROOT, '../shared/reference');
export const hasReference = existsSync(join(REFERENCE, 'skaffold-v4beta14.schema.json'));
export const NO_REFERENCE = `skipped: ${REFERENCE} is absent, so the upstream schema/values to validate against are not available here`;

export const APPS = ['gateway', 'orders', 'inventory'] as const;

export function readYaml<T = unknown>(path: string): T {
  return parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
  /** Where it came from, for messages. */
  source: string;
}

/**
 * What `kubectl apply -k k8s` applies: every document of every listed resource, with the
 * kustomization's namespace set on namespaced objects (the only transformer TraceLab uses).
 */
export function loadKustomization(dir = 'k8s'): { namespace: string; manifests: Manifest[] } {
  const kustomization = readYaml<{ namespace: string; resources: string[]; [k: string]: unknown }>(`${dir}/kustomization.yaml`);
  const unsupported = Object.keys(kustomization).filter((k) => !['apiVersion', 'kind', 'namespace', 'resources'].includes(k));
  if (unsupported.length) throw new Error(`kustomization uses ${unsupported.join(', ')}: extend loadKustomization to model it`);
  const manifests: Manifest[] = [];
  for (const file of kustomization.resources) {
    const text = readFileSync(join(ROOT, dir, file), 'utf8');
    for (const [i, doc] of parseAllDocuments(text).entries()) {
      if (doc.errors.length) throw new Error(`${dir}/${file} document ${i}: ${doc.errors[0].message}`);
      const m = doc.toJSON() as Manifest | null;
      if (!m) continue;
      if (m.kind !== 'Namespace') m.metadata.namespace = kustomization.namespace;
      manifests.push({ ...m, source: `${dir}/${file}#${i}` });
    }
  }
  return { namespace: kustomization.namespace, manifests };
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
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, { name?: string; key: string; fieldPath?: string }> }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface Probe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}
export interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  volumes?: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string }; emptyDir?: object }>;
}

export function workloads(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind));
}
