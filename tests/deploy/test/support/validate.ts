import type { Manifest } from './repo';

/**
 * The object as the API server stores it: Helm templates leave empty keys (`env:`, `volumes:`),
 * which YAML reads as null and the server treats as absent.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)])) as T;
}

/** Validates against the API schema with kubernetes-models' class for the kind (ES module, loaded with import()). */
export async function schemaValidate(m: Manifest): Promise<void> {
  const group = m.apiVersion.includes('/') ? m.apiVersion : 'v1';
  const mod = (await import(`kubernetes-models/${group}/${m.kind}`)) as Record<string, new (data: object) => { validate(): void }>;
  new mod[m.kind](withoutNulls(m)).validate();
}
