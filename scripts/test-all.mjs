// `npm test`: every workspace's tests through turbo, then one line adding them up.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync, rmSync } from 'node:fs';

const workspaces = JSON.parse(readFileSync('package.json', 'utf8')).workspaces;
const dirs = workspaces.flatMap((pattern) => globSync(pattern)).filter((dir) => existsSync(`${dir}/package.json`));
for (const dir of dirs) rmSync(`${dir}/.test-results.json`, { force: true });

// One task at a time: the timing-based tests (fault signatures, 503s within 100 ms while the database
// is down, retries against a 25 ms timeout) must not share two cores with image builds, the bench
// smoke run or another stack. Measured on a busy 2-core machine, sharing made them miss their bounds.
const turbo = spawnSync('turbo', ['run', 'test', '--continue', '--concurrency=1', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});

const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  if (!pkg.scripts?.test) continue;
  const file = `${dir}/.test-results.json`;
  if (!existsSync(file)) {
    missing.push(dir);
    continue;
  }
  const counts = JSON.parse(readFileSync(file, 'utf8'));
  for (const k of Object.keys(totals)) totals[k] += counts[k] ?? 0;
}
// A workspace whose tests did not run (e.g. failed to compile) counts as a failure.
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`);
// A failed turbo task with no failed test (a build error, say) is still a failure.
const failed = totals.failed + missing.length || (turbo.status !== 0 ? 1 : 0);
if (turbo.status !== 0 && totals.failed + missing.length === 0) console.log('turbo reported a failed task (see above)');
console.log(`${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
