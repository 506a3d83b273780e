import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { blockingPath, checkServerAccess, DevDatabaseError, SEARCH, WRITE, type OsUser } from './preflight';
import { freePort, startDevDatabase } from './index';

const root = `/tmp/tl-devdb-test-${process.pid}`;
const stranger: OsUser = { name: 'postgres', uid: 4242, gids: [4242] };
const asRoot = process.getuid?.() === 0;

describe('preflight: can the server user reach what it needs?', () => {
  before(() => {
    mkdirSync(`${root}/open/data`, { recursive: true, mode: 0o755 });
    mkdirSync(`${root}/locked/inside`, { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(`${root}/open`, 0o755);
    chmodSync(`${root}/locked`, 0o700);
    writeFileSync(`${root}/locked/inside/initdb`, '');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('names the first directory the user cannot search, for existing and not-yet-created paths', () => {
    assert.equal(blockingPath(`${root}/open`, stranger, SEARCH), undefined);
    assert.match(blockingPath(`${root}/locked/inside/initdb`, stranger, SEARCH) ?? '', new RegExp(`^${root}/locked \\(mode 700, owner uid \\d+\\)$`));
    assert.match(blockingPath(`${root}/locked/pg/data`, stranger, SEARCH | WRITE) ?? '', new RegExp(`^${root}/locked `));
    assert.equal(blockingPath(`${root}/open/new/data`, stranger, SEARCH | WRITE), undefined, 'root creates the missing part and hands it over');
    assert.match(blockingPath(`${root}/open/data`, stranger, SEARCH | WRITE) ?? '', /open\/data/, 'an existing data directory must be writable');
    symlinkSync(`${root}/locked/inside`, `${root}/open/link`);
    assert.match(blockingPath(`${root}/open/link/initdb`, stranger, SEARCH) ?? '', new RegExp(`^${root}/locked `), 'a symlink is followed to where the kernel goes');
  });

  test('one DevDatabaseError naming the blocking directory and every fix', () => {
    const plan = { binaries: [`${root}/locked/inside/initdb`], dataDir: `${root}/open/new`, tempDir: '/tmp', temporary: false };
    assert.throws(
      () => checkServerAccess(plan, stranger),
      (e: unknown) =>
        e instanceof DevDatabaseError &&
        e.message.includes(`cannot execute ${root}/locked/inside/initdb, because it may not enter ${root}/locked (mode 700`) &&
        /move the TraceLab checkout/.test(e.message) &&
        /set DATABASE_URL=/.test(e.message) &&
        e.message.includes(`chmod o+x ${root}/locked`) &&
        !e.stack?.includes('    at '),
    );
    assert.doesNotThrow(() => checkServerAccess({ ...plan, binaries: [] }, stranger));
  });

  test('devdb run from a mode-700 directory stops within seconds with that message, instead of hanging', { skip: asRoot ? false : 'not root: the server runs as this user, who owns the directory' }, async () => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('./index'))}).startDevDatabase({ dataDir: './pg' }).then((d) => d.stop())`], {
      cwd: `${root}/locked`,
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearTimeout(killer);
    const seconds = (performance.now() - started) / 1000;
    console.log(`time to the clear error from a mode-700 directory: ${seconds.toFixed(2)} s (exit code ${code})`);
    assert.notEqual(code, 0);
    assert.ok(seconds < 10, `${seconds} s`);
    assert.match(stderr, new RegExp(`may not enter ${root}/locked \\(mode 700`));
    assert.match(stderr, /DATABASE_URL/);
  });
});

describe('a server that fails to start is reported with its own last log lines', () => {
  test('a second server on a taken port: DevDatabaseError quoting the server', async () => {
    const port = await freePort();
    const first = await startDevDatabase({ port, externalUrl: '' });
    try {
      const started = performance.now();
      await assert.rejects(startDevDatabase({ port, externalUrl: '', startTimeoutMillis: 20_000 }), (e: unknown) => {
        assert.ok(e instanceof DevDatabaseError, String(e));
        assert.match(e.message, /embedded PostgreSQL start failed/);
        assert.match(e.message, /Last server output:\n {2}\| /);
        assert.match(e.message, /could not (bind|create)|already in use|lock file/i, e.message);
        return true;
      });
      console.log(`start failure reported after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await first.stop();
    }
  });
});
