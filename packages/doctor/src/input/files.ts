import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors';
import type { Span } from '../model';
import { readOtlp } from './otlp';

/** Spans of OTLP JSON files; each problem is an {@link InputError} naming the file. */
export function readFiles(paths: string[]): Span[] {
  const spans: Span[] = [];
  for (const path of paths) {
    let text: string;
    try {
      if (!statSync(path).isFile()) throw new InputError(`${path}: not a file`);
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${path}: invalid JSON (${(error as Error).message})`);
    }
    for (const s of readOtlp(document, path)) spans.push(s);
  }
  return spans;
}
