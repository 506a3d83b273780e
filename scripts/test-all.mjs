// `npm test`: every package's tests through turbo, then one line adding them up.
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync, rmSync } from 'node:fs';

const pattern = '{apps,packages,tests}/*/.test-results.json';
for (const file of globSync(pattern)) rmSync(file);

const turbo = spawnSync('turbo', ['run', 'test', '--continue', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});

const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];
for (const dir of globSync('{apps,packages,tests}/*/package.json').map((p) => p.replace(/\/package\.json$/, ''))) {
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
// A package whose tests did not run (e.g. failed to compile) counts as a failure.
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`);
const failed = totals.failed + missing.length;
console.log(`${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
