/**
 * Unknown-field check (what `kubectl apply --validate=strict` does): every key of every object must
 * be a field of its Kubernetes type. Field lists come from @kubernetes/client-node's generated
 * models, which mirror the API's OpenAPI definitions.
 */
type AttributeMap = Array<{ baseName: string; type: string }>;
type Models = Record<string, { getAttributeTypeMap?: () => AttributeMap } | unknown>;

let models: Models | undefined;

export async function loadModels(): Promise<void> {
  // ES module: loaded with import() from this CommonJS test.
  models = (await import('@kubernetes/client-node')) as unknown as Models;
}

/** The client library's class for a manifest, e.g. apps/v1 Deployment → V1Deployment. */
export function typeName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version[0].toUpperCase()}${version.slice(1)}${kind}`;
}

/** Paths of fields unknown to their type, e.g. ["spec.template.spec.containers[0].imagee"]. */
export function unknownFields(value: unknown, type: string, path = ''): string[] {
  if (!models) throw new Error('call loadModels() first');
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1], `${path}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as object).flatMap(([k, v]) => unknownFields(v, map[1], `${path}.${k}`));
  const model = models[type] as { getAttributeTypeMap?: () => AttributeMap } | undefined;
  // Primitives, IntOrString, Quantity and free-form objects have no field list to hold against.
  if (!model?.getAttributeTypeMap || typeof value !== 'object') return [];
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as object).flatMap(([key, v]) => {
    const fieldPath = path ? `${path}.${key}` : key;
    const fieldType = fields.get(key);
    return fieldType ? unknownFields(v, fieldType, fieldPath) : [fieldPath];
  });
}
