import type { Manifest } from './repo';

/** The manifest as written, without the loader's bookkeeping. */
export const strip = ({ source: _source, ...m }: Manifest) => m;

/** Validates against the API schema with kubernetes-models' class for the kind (ES module, loaded with import()). */
export async function schemaValidate(m: Manifest): Promise<void> {
  const group = m.apiVersion.includes('/') ? m.apiVersion : 'v1';
  const mod = (await import(`kubernetes-models/${group}/${m.kind}`)) as Record<string, new (data: object) => { validate(): void }>;
  new mod[m.kind](strip(m)).validate();
}
