// The counts CI prints ("N passed, N failed, N skipped") come from scripts/count-reporter.mjs. It
// is checked here on test files written for the purpose, run by the same Node test runner with the
// same flags as scripts/run-tests.mjs: every way a test can pass, fail or be skipped counts once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../src/root';
import { TMP } from './support/rendered';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  skips: Array<{ file: string; test: string; reason: string }>;
}

/** Runs one test file (its source given here) under the count reporter; returns what it wrote. */
function count(source: string): Counts {
  const dir = mkdtempSync(join(TMP, 'counting-'));
  // A helper module that declares suites, as tests/jaeger's jaegerSuite does.
  writeFileSync(join(dir, 'suite.mjs'), `import { describe } from 'node:test';\nexport const suite = (name, fn) => describe(name, fn);\n`);
  writeFileSync(join(dir, 'case.test.mjs'), `import { describe, test, before } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { suite } from './suite.mjs';\n${source}`);
  const reporter = join(ROOT, 'scripts', 'count-reporter.mjs');
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', `--test-reporter=${reporter}`, '--test-reporter-destination=counts.json', 'case.test.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    // Without this the child thinks it runs inside this test file and runs nothing.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
  });
  const written = join(dir, 'counts.json');
  assert.ok(existsSync(written), `the reporter wrote nothing (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(readFileSync(written, 'utf8')) as Counts;
}

const totals = (c: Counts) => ({ passed: c.passed, failed: c.failed, skipped: c.skipped });

describe('test counting: scripts/count-reporter.mjs counts each test once', () => {
  test('a failed test inside a suite is one failure, not two (the suite fails through it)', () => {
    const c = count(`describe('suite', () => { test('ok', () => {}); test('broken', () => assert.equal(1, 2)); });`);
    assert.deepEqual(totals(c), { passed: 1, failed: 1, skipped: 0 });
  });

  test('a suite declared by a helper module (its events name the helper\'s file, its tests the test file\'s): one failure per failed test', () => {
    const c = count(`suite('made elsewhere', () => { test('ok', () => {}); test('broken', () => assert.equal(1, 2)); }); describe('after it', () => { test('fine', () => {}); });`);
    assert.deepEqual(totals(c), { passed: 2, failed: 1, skipped: 0 });
  });

  test('a failed subtest (t.test) is one failure: its parent test is a container, like a suite', () => {
    const c = count(`test('parent', async (t) => { await t.test('fine', () => {}); await t.test('broken', () => assert.equal(1, 2)); });`);
    assert.deepEqual(totals(c), { passed: 1, failed: 1, skipped: 0 });
  });

  test('a suite whose hook throws fails, even with no failed test counted beneath it', () => {
    const c = count(`describe('suite', () => { before(() => { throw new Error('no database'); }); test('a', () => {}); });`);
    assert.ok(c.failed >= 1, JSON.stringify(c));
    assert.equal(c.passed, 0);
  });

  test('a test whose own body throws after its subtests passed counts as one failure', () => {
    const c = count(`test('parent', async (t) => { await t.test('fine', () => {}); throw new Error('after'); });`);
    assert.deepEqual(totals(c), { passed: 1, failed: 1, skipped: 0 });
  });

  test('a skipped suite is one skip, with its reason and path', () => {
    const c = count(`describe('outer', () => { describe('needs root', { skip: 'not root' }, () => { test('a', () => {}); test('b', () => {}); }); test('c', () => {}); });`);
    assert.deepEqual(totals(c), { passed: 1, failed: 0, skipped: 1 });
    assert.equal(c.skips[0].test, 'outer > needs root');
    assert.equal(c.skips[0].reason, 'not root');
  });

  test('skips without a reason and todos are counted and named so', () => {
    const c = count(`test('later', { skip: true }, () => {}); test('idea', { todo: 'write it' }, () => {});`);
    assert.deepEqual(totals(c), { passed: 0, failed: 0, skipped: 2 });
    assert.deepEqual(c.skips.map((s) => s.reason), ['(no reason given)', 'todo: write it']);
  });
});
