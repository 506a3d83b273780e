// Runs the compiled tests. Inside TraceLab the monorepo's runner also records the counts that its
// `npm test` adds up; in a copied folder, plain `node --test`.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const monorepo = fileURLToPath(new URL('../../../scripts/run-tests.mjs', import.meta.url));
const args = existsSync(monorepo) ? [monorepo] : ['--test', ...globSync('.test-dist/test/**/*.test.js').sort()];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
