import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { assertDescendant, buildTrees, FakeCollector, findSpan, renderTree, singleRoot, traceIdOf } from '@tracelab/tracing/testing';
import { REPO_ROOT, writeScratchApp } from './support/scratch-app';
import { request, sleep } from './support/processes';

/** npm as the user runs it: none of the outer `npm test`'s npm_* settings leak in. */
function npm(args: string[], cwd: string): { stdout: string; millis: number } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^INIT_CWD$/i.test(k)));
  const started = Date.now();
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, millis: Date.now() - started };
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

/**
 * Issue 12's user path, run for real: pack the package, install the tarball into a NestJS app outside
 * the monorepo, build it with its own tsc, start it with `--require @tracelab/tracing/register`.
 */
describe('the packed tarball in a scratch NestJS app outside the monorepo', () => {
  // Under /tmp, not the checkout, and mode 755 all the way: embedded PostgreSQL runs as `postgres` when root.
  const base = join(tmpdir(), 'tl-pkg');
  const dir = join(base, `app-${process.pid}`);
  const collector = new FakeCollector();
  let db: DevDatabase;
  let pack: PackResult;
  const started = Date.now();
  const times: string[] = [];

  before(async () => {
    mkdirSync(base, { recursive: true });
    chmodSync(base, 0o755);
    rmSync(dir, { recursive: true, force: true });
    writeScratchApp(dir);
    await collector.start();
    db = await startDevDatabase({ databases: ['shop'] });
  });
  after(async () => {
    console.log(`scratch app: ${times.join('; ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await collector.stop();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('npm pack: built dist, README, LICENSE; no source, tests or source maps; nothing left from an older build', () => {
    // --ignore-scripts: prepack would rebuild dist/ under services that other test tasks are running; turbo built it already.
    const { stdout, millis } = npm(['pack', '-w', '@tracelab/tracing', '--ignore-scripts', '--json', '--pack-destination', dir], REPO_ROOT);
    [pack] = JSON.parse(stdout) as PackResult[];
    times.push(`npm pack ${millis} ms`);
    const paths = pack.files.map((f) => f.path).sort();
    console.log(`${pack.filename}: ${pack.size} bytes packed, ${pack.unpackedSize} unpacked, ${paths.length} files:\n${paths.join('\n')}`);
    for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/register.js', 'dist/testing/index.js', 'dist/bin/tracelab-traces.js']) {
      assert.ok(paths.includes(required), `${required} is in the tarball`);
    }
    assert.deepEqual(paths.filter((p) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(p)), []);
    assert.deepEqual(paths.filter((p) => p.endsWith('.map') || p.includes('.test.')), []);
    const sources = new Set(listTs(join(REPO_ROOT, 'packages/tracing/src')));
    const stale = paths.filter((p) => p.startsWith('dist/') && p.endsWith('.js') && !sources.has(p.slice(5, -3)));
    assert.deepEqual(stale, [], 'every compiled file has its source');
    const manifest = require(join(REPO_ROOT, 'packages/tracing/package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    assert.deepEqual(Object.keys(manifest.devDependencies).filter((d) => d.startsWith('@tracelab/')), [], 'no devDependency only the monorepo has');
    assert.deepEqual(Object.entries(manifest.scripts).filter(([, s]) => s.includes('../')), [], 'no script that reaches outside the package');
    assert.match(manifest.scripts.prepack, /npm run build$/);
  });

  test('npm install of the tarball, build with the app’s tsc, start with --require: one trace SERVER → CLIENT → SERVER + pg; SIGTERM prints the totals', async (t) => {
    if (!pack) return t.skip('npm pack failed, see the previous test');
    const install = npm(['install', '--prefer-offline', '--no-audit', '--no-fund', `./${pack.filename}`], dir);
    times.push(`npm install ${install.millis} ms`);
    const build = npm(['run', 'build'], dir);
    times.push(`npm run build ${build.millis} ms`);
    assert.ok(existsSync(join(dir, 'dist/main.js')), 'tsc wrote dist/main.js');

    const port = await freePort();
    const launched = Date.now();
    const app = spawn(process.execPath, ['--require', '@tracelab/tracing/register', 'dist/main.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATABASE_URL: db.urlFor('shop'), OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    app.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const exited = new Promise<void>((resolve) => app.on('exit', () => resolve()));
    try {
      // Waits for Nest's own start-up line: a probe request would make a trace of its own.
      while (!output.includes('Nest application successfully started')) {
        assert.equal(app.exitCode, null, `the app exited:\n${output}`);
        await sleep(100);
      }
      times.push(`app answering ${Date.now() - launched} ms after start`);
      const answer = await request(`http://127.0.0.1:${port}/hello`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      // The traceresponse header (the package's traceResponse middleware) names the request's trace.
      const traceId = traceIdOf(answer);
      const spans = await collector.waitForTrace(traceId, 4);
      await sleep(500); // stragglers of the same trace
      const trace = collector.spans().filter((s) => s.traceId === traceId);
      const root = singleRoot(trace);
      console.log(`the trace of GET /hello (${trace.length} spans):\n${renderTree([root])}`);
      assert.ok(spans.every((s) => s.service === 'shop-api'), 'service.name defaults to the package name');
      assert.equal(root.kind, SpanKind.SERVER);
      assert.equal(root.name, 'GET /hello');
      const client = findSpan(trace, { kind: SpanKind.CLIENT, name: 'GET' });
      const inner = findSpan(trace, { kind: SpanKind.SERVER, name: 'GET /ping' });
      assertDescendant(trace, client, root);
      assertDescendant(trace, inner, client);
      const query = findSpan(trace, { name: /^pg\.query/ });
      assertDescendant(trace, query, root);
      assert.equal(query.attributes['db.query.text'], 'SELECT count(*)::int AS n FROM pg_database WHERE datname = $1');
      // What the README says: by default no Nest handler spans and no start-up trace; the fetch and the
      // query sit right under the SERVER span, and the handlers' routes name the SERVER spans.
      assert.equal(query.parentSpanId, root.spanId);
      assert.equal(client.parentSpanId, root.spanId);
      assert.deepEqual(trace.map((s) => s.name).sort(), ['GET', 'GET /hello', 'GET /ping', query.name].sort());
      assert.deepEqual(buildTrees(collector.spans().filter((s) => s.traceId !== traceId)).map((r) => r.name), []);

      // A handler that throws: Nest's own filter answers, TracingModule puts the exception on the SERVER span.
      for (const [id, status, type, error] of [['broken', 500, 'TypeError', true], ['missing', 404, 'NotFoundException', false]] as const) {
        const failed = await request(`http://127.0.0.1:${port}/items/${id}`);
        assert.equal(failed.status, status);
        const [server] = await collector.waitForTrace(traceIdOf(failed), 1);
        assert.equal(server.name, 'GET /items/:id', 'named by route even when the handler threw');
        assert.equal(server.status.code === SpanStatusCode.ERROR, error, `${status}: ERROR only for a 5xx`);
        const event = server.events.find((e) => e.name === 'exception');
        assert.equal(event?.attributes['exception.type'], type);
        assert.match(String(event?.attributes['exception.stacktrace']), /app\.controller/);
      }
    } finally {
      app.kill('SIGTERM');
      await exited;
    }
    assert.match(output, /^tracing: \d+ spans ended, \d+ exported, 0 failed to export, 0 dropped or unsent$/m, output);
  });
});

/** Paths under `dir` of its .ts files, without the extension: "nest/tracing.module". */
function listTs(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name), `${prefix}${e.name}/`) : e.name.endsWith('.ts') ? [`${prefix}${e.name.slice(0, -3)}`] : [],
  );
}
