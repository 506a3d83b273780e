import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files and folders under the image's workspaces (not node_modules) that only development needs. */
export function developmentFiles(app: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules') continue;
      if (statSync(path).isDirectory()) {
        if (['src', 'test', '.test-dist'].includes(entry)) found.push(path);
        else walk(path);
      } else if (/\.test\.[cm]?js$|(?<!\.d)\.ts$|^tsconfig.*\.json$/.test(entry)) found.push(path);
    }
  };
  for (const group of ['apps', 'packages']) if (existsSync(join(app, group))) walk(join(app, group));
  return found;
}

/**
 * Packages installed in the image that its lockfile marks as needed only for development or only
 * optionally (npm's `dev`, `optional` and `devOptional` flags, the same ones --omit follows).
 */
export function installedDevOrOptional(app: string): string[] {
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }> };
  const flagged = Object.entries(lock.packages).filter(([path, p]) => path.includes('node_modules/') && (p.dev || p.optional || p.devOptional));
  // The root's devDependencies (typescript, turbo, the node binary…) are always among them.
  if (flagged.length === 0) throw new Error('the image\'s lockfile marks nothing as dev or optional: nothing to check against');
  return flagged.map(([path]) => path).filter((path) => existsSync(join(app, path)));
}
