// `npm test`: every workspace's tests through turbo, then the skips with their reasons, then one
// line adding them up: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
const turboArgs = ['run', 'test', '--continue', ...process.argv.slice(2)];
// The workspaces whose tests this run covers (all, or those a --filter passed through selects).
const plan = spawnSync('turbo', [...turboArgs, '--dry=json'], { encoding: 'utf8', env: turboEnv, maxBuffer: 64 << 20 });
if (plan.status !== 0) {
  console.error(`turbo could not plan the test tasks:\n${plan.stderr}`);
  process.exit(1);
}
const dirs = JSON.parse(plan.stdout).tasks.filter((t) => t.task === 'test' && t.command !== '<NONEXISTENT>').map((t) => t.directory).sort();
for (const dir of dirs) rmSync(`${dir}/.test-results.json`, { force: true });

// In CI on the machine kind CI runs on (linux-x64, as root), everything can run: a skip there is a
// gap, and fails the run unless its reason matches this list. Empty: every skip in the repository
// names something this machine has (root, buildah, Go for Jaeger, Chromium, ../shared/reference).
const ALLOWED_CI_SKIPS = [];
const strictSkips = process.env.CI === 'true' && process.platform === 'linux' && process.arch === 'x64' && process.getuid?.() === 0;

// Two tasks at a time, one per core of the machine CI runs on. The tests judge behaviour (the path a
// request took, a lock skipped, a timeout not waited out), not wall-clock bounds that a busy machine
// misses, so they no longer need the machine to themselves; `npm test -- --concurrency=1` overrides it.
// Except the bench: its smoke run measures CPU per request by design, and beside another task it
// ran past its 600 s bound (about 6 min alone), so it runs on its own, after the others.
const ALONE = ['bench'];
const concurrency = turboArgs.some((a) => a.startsWith('--concurrency')) ? [] : ['--concurrency=2'];
const packageOf = (dir) => JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).name;
const alone = dirs.filter((d) => ALONE.includes(d)).map(packageOf);
const runs = [
  dirs.some((d) => !ALONE.includes(d)) && [...turboArgs, ...concurrency, ...alone.map((name) => `--filter=!${name}`)],
  ...alone.map((name) => [...turboArgs.filter((a) => !a.startsWith('--filter')), `--filter=${name}`]),
].filter(Boolean);
const began = Date.now();
const statuses = runs.map((args) => spawnSync('turbo', [...args, '--summarize'], { stdio: 'inherit', env: turboEnv }).status);
const turbo = { status: statuses.every((code) => code === 0) ? 0 : 1 };
timings(began);

/**
 * What running tasks side by side saved: the wall time of this run against the sum of its tasks'
 * own times (turbo's run summaries, `.turbo/runs/*.json`), which is about what one at a time takes.
 */
function timings(since) {
  const dir = '.turbo/runs';
  const tasks = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((f) => {
        const run = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
        return run.execution?.startTime >= since ? run.tasks.filter((t) => t.execution) : [];
      })
    : [];
  if (tasks.length === 0) return;
  const seconds = (ms) => `${Math.round(ms / 1000)} s`;
  const own = tasks.reduce((sum, t) => sum + (t.execution.endTime - t.execution.startTime), 0);
  const slowest = [...tasks].sort((a, b) => (b.execution.endTime - b.execution.startTime) - (a.execution.endTime - a.execution.startTime)).slice(0, 3);
  console.log(`\ntasks: ${tasks.length} took ${seconds(own)} added up, ${seconds(Date.now() - since)} of wall time (slowest: ${slowest.map((t) => `${t.taskId} ${seconds(t.execution.endTime - t.execution.startTime)}`).join(', ')})`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const skips = [];
const missing = [];
for (const dir of dirs) {
  const file = `${dir}/.test-results.json`;
  if (!existsSync(file)) {
    missing.push(dir);
    continue;
  }
  // The reporter writes its one line at the end: a runner that crashed or was killed leaves it empty.
  let counts;
  try {
    counts = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    missing.push(dir);
    continue;
  }
  for (const k of Object.keys(totals)) totals[k] += counts[k] ?? 0;
  for (const skip of counts.skips ?? []) skips.push({ dir, ...skip });
}

const unexpected = strictSkips ? skips.filter((s) => !ALLOWED_CI_SKIPS.some((allowed) => allowed.test(s.reason))) : [];
if (skips.length > 0) {
  console.log(`\nskipped (${skips.length}):`);
  for (const s of skips) console.log(`  ${s.dir}: ${s.test}: ${s.reason}${unexpected.includes(s) ? '  [not allowed in CI]' : ''}`);
}
if (unexpected.length > 0) {
  console.log(`CI on linux-x64 as root runs every test: ${unexpected.length} skip${unexpected.length === 1 ? '' : 's'} above ${unexpected.length === 1 ? 'is' : 'are'} counted as failed (allowed reasons: ${ALLOWED_CI_SKIPS.length ? ALLOWED_CI_SKIPS.join(', ') : 'none'}; see scripts/test-all.mjs)`);
}
// A workspace whose tests did not run (e.g. failed to compile) counts as a failure.
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')}`);
// A failed turbo task with no failed test (a build error, say) is still a failure.
const counted = totals.failed + missing.length + unexpected.length;
const failed = counted || (turbo.status !== 0 ? 1 : 0);
if (turbo.status !== 0 && counted === 0) console.log('turbo reported a failed task (see above)');
console.log(`${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
