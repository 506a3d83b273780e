import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** A rendered object and where it came from, for messages. */
export interface Rendered {
  object: Manifest;
  source: string;
}

/** The objects of a multi-document YAML stream as a tool printed it; empty documents dropped. */
export function parseObjects(text: string, source: string): Rendered[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length) throw new Error(`${source} document ${i}: ${doc.errors[0].message}`);
    const object = doc.toJSON() as Manifest | null;
    return object ? [{ object, source: `${source} #${i}` }] : [];
  });
}
