import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { pythonRequestsLoop } from './support/foreign';

const PACKAGE = resolve(__dirname, '../..');

/** npm as a user runs it: none of the outer `npm test`'s npm_* settings leak in. */
function npm(args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^INIT_CWD$/i.test(k)));
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The user path: pack the package, install the tarball into an empty folder outside the monorepo, run the bin. */
describe('the packed tarball, installed in a scratch folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-pkg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('npm pack holds dist, README and LICENSE only; npm install; tracelab-doctor --file runs and gates with --fail-on', () => {
    // --ignore-scripts: turbo built dist/ before the tests; prepack would rebuild it under other tasks.
    const [pack] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], PACKAGE)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = pack.files.map((f) => f.path).sort();
    for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/bin/tracelab-doctor.js']) assert.ok(paths.includes(required), required);
    assert.deepEqual(paths.filter((p) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(p) || p.endsWith('.map') || p.includes('.test.')), []);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    npm(['install', '--no-audit', '--no-fund', join(dir, pack.filename)], dir);
    writeFileSync(join(dir, 'traces.json'), JSON.stringify({ result: pythonRequestsLoop() }));
    const bin = join(dir, 'node_modules/.bin/tracelab-doctor');
    const run = spawnSync(bin, ['--file', 'traces.json', '--fail-on', 'sequential-calls'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 1, `${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /1\. sequential-calls {2}160 ms/);
    assert.match(run.stderr, /found sequential-calls \(--fail-on\)/);
    const lib = spawnSync(process.execPath, ['-e', "const d = require('@tracelab/doctor'); console.log(typeof d.analyse, d.FINDING_KINDS.length)"], { cwd: dir, encoding: 'utf8' });
    assert.equal(lib.stdout.trim(), 'function 8', lib.stderr);
  });
});
