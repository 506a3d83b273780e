// Runs one package's compiled tests with Node's test runner: a readable report on stdout, and the
// counts in .test-results.json for scripts/test-all.mjs to add up across packages.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const files = globSync('.test-dist/**/*.test.js').sort();
if (files.length === 0) {
  console.error('run-tests: no compiled tests under .test-dist/ (did tsc run?)');
  process.exit(1);
}
const counter = fileURLToPath(new URL('./count-reporter.mjs', import.meta.url));
const args = [
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${counter}`,
  '--test-reporter-destination=.test-results.json',
  ...process.argv.slice(2),
  ...files,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (!existsSync('.test-results.json')) console.error('run-tests: the test runner wrote no results');
process.exit(result.status ?? 1);
