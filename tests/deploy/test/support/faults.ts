import { isDeepStrictEqual } from 'node:util';
import type { Manifest } from './repo';

export const faultsData = (manifests: Manifest[]) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'faults-config')?.data as Record<string, string> | undefined;

/**
 * How a scenario's render differs from "the default render with TRACELAB_FAULTS=<fault>": empty when
 * it switches on exactly that fault. kustomize itself accepts a patch that misses (a misspelt key is
 * added, a target that matches nothing is skipped), so this is where such an overlay fails.
 */
export function faultOnlyDifferences(defaults: Manifest[], scenario: Manifest[], fault: string): string[] {
  const expected = structuredClone(defaults);
  const data = faultsData(expected);
  if (!data) return ['the default render has no ConfigMap faults-config'];
  data.TRACELAB_FAULTS = fault;
  const id = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
  const got = new Map(scenario.map((m) => [id(m), m]));
  const out = expected.filter((m) => !isDeepStrictEqual(got.get(id(m)), m)).map((m) => `${id(m)} differs: ${JSON.stringify(got.get(id(m))?.data ?? got.get(id(m)) ?? 'missing')}`);
  const extra = scenario.filter((m) => !expected.some((e) => id(e) === id(m))).map((m) => `${id(m)} is not in the default render`);
  return [...out, ...extra];
}
