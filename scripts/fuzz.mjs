// `npm run fuzz`: the property-based tests of tests/e2e/test/fuzz.e2e.test.ts for longer, with a
// random seed it prints (replay one with `npm run fuzz -- --seed N`), then Schemathesis against the
// gateway's own OpenAPI document as an independent second opinion, when it installs from PyPI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string', default: '1000' },
    'schemathesis-examples': { type: 'string', default: '200' },
    'no-schemathesis': { type: 'boolean', default: false },
  },
});
const seed = args.seed ?? String(Math.floor(Math.random() * 2 ** 31));
const root = new URL('..', import.meta.url).pathname;
const run = (command, argv, options = {}) => spawnSync(command, argv, { stdio: 'inherit', cwd: root, ...options });

console.log(`fuzz: seed ${seed}, ${args.runs} runs per property (replay: npm run fuzz -- --seed ${seed} --runs ${args.runs})`);
const build = run('turbo', ['run', 'build', '--filter=@tracelab/e2e^...', '--output-logs=errors-only'], { env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
if (build.status !== 0) process.exit(build.status ?? 1);
if (run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tests/e2e/tsconfig.json']).status !== 0) process.exit(1);

const properties = run(process.execPath, ['--test', '--test-reporter=spec', 'tests/e2e/.test-dist/test/fuzz.e2e.test.js'], {
  env: { ...process.env, TRACELAB_FUZZ_SEED: seed, TRACELAB_FUZZ_RUNS: args.runs },
});
let failed = properties.status !== 0;
if (failed) console.log(`fuzz: the properties failed with seed ${seed}; fast-check printed the shrunk counterexample above`);

if (!args['no-schemathesis']) failed = (await schemathesis()) || failed;
console.log(`fuzz: ${failed ? 'FAILED' : 'passed'} (seed ${seed})`);
process.exit(failed ? 1 : 0);

/** Schemathesis in a virtualenv under .tracelab/; skipped with one line when it cannot be installed. */
async function schemathesis() {
  const venv = `${root}.tracelab/schemathesis-venv`;
  const bin = `${venv}/bin/schemathesis`;
  if (!existsSync(bin)) {
    console.log('fuzz: installing schemathesis 4.32.5 into .tracelab/schemathesis-venv (PyPI)…');
    const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
    const installed = made.status === 0 && spawnSync(`${venv}/bin/pip`, ['install', '-q', 'schemathesis==4.32.5'], { stdio: 'inherit' }).status === 0;
    if (!installed) {
      console.log('fuzz: schemathesis skipped: python3 -m venv or pip install schemathesis failed (see above)');
      return false;
    }
  }
  const { startStack } = require('@tracelab/devstack');
  const { freePort } = require('@tracelab/devdb');
  const { FakeCollector } = require('@tracelab/tracing/testing');
  const collector = await new FakeCollector({ mode: 'count' }).start();
  const stack = await startStack({
    otlpEndpoint: collector.endpoint,
    ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
    env: { LOG_LEVEL: 'error' },
  });
  try {
    const spec = `${stack.urls.gateway}/docs-json`;
    console.log(`fuzz: schemathesis against ${spec}: no 5xx (check not_a_server_error), ${args['schemathesis-examples']} examples per operation`);
    const result = spawnSync(bin, ['run', spec, '--checks', 'not_a_server_error', '--max-examples', args['schemathesis-examples'], '--seed', seed, '--request-timeout', '15'], {
      stdio: 'inherit',
    });
    const alive = Object.values(stack.pids()).every((pid) => {
      try {
        return process.kill(pid, 0);
      } catch {
        return false;
      }
    });
    console.log(`fuzz: schemathesis exit code ${result.status}; every service still running: ${alive}`);
    return result.status !== 0 || !alive;
  } finally {
    await stack.stop();
    await collector.stop();
  }
}
