import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above `from` whose package.json declares workspaces. */
export function findRoot(from = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json with "workspaces" above ${from}`);
  }
}

/** Compiled to dist/ (k8s:render) and to .test-dist/src/ (tests): the root is found, not counted. */
export const ROOT = findRoot();
/** Reference copies of upstream files beside the repository (absent on some machines). */
export const REFERENCE = resolve(ROOT, '../shared/reference');
