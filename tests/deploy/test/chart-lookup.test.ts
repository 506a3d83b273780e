import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { findChart } from '../src/chart';
import { runTool, UNSUPPORTED_PLATFORM, type Tools } from '../src/tools';
import { hasReference, NO_REFERENCE, REFERENCE, ROOT } from './support/repo';
import { getTools, TMP } from './support/rendered';

/** Where the chart comes from when ../shared/reference does not have the release's version. */
describe('the chart of a Helm release: reference copy, else helm pull, else one skip line', { skip: UNSUPPORTED_PLATFORM }, () => {
  let tools: Tools;
  before(async () => {
    tools = await getTools();
  });

  test('a chart version the reference copy is not: helm pull is tried, and its failure is one skip line', () => {
    // A loopback address that refuses: the fallback runs without reaching the network.
    const release = { name: 'jaeger', namespace: 'observability', remoteChart: 'jaeger', repo: 'http://127.0.0.1:9/charts', version: '0.0.1-absent' };
    const lookup = findChart(tools.helm, release);
    assert.ok('skip' in lookup, JSON.stringify(lookup));
    assert.match(lookup.skip, /^skipped: chart jaeger 0\.0\.1-absent is not in .*charts and `helm pull` from http:\/\/127\.0\.0\.1:9\/charts failed: .+/);
    assert.equal(lookup.skip.split('\n').length, 1);
  });

  test('a chart version the reference copy is not, served by a chart repository: helm pull fetches it once into the cache', async (t) => {
    if (!hasReference) return t.skip(NO_REFERENCE);
    const repo = mkdtempSync(join(TMP, 'repo-'));
    const pack = runTool(tools.helm, ['package', join(REFERENCE, 'charts/jaeger'), '--version', '4.11.1-local', '--destination', repo]);
    assert.equal(pack.status, 0, pack.stderr);
    // In another process: findChart runs helm synchronously, which would block a server in this one.
    const SERVE = `const { createServer } = require('node:http'); const { readFileSync } = require('node:fs'); const { join } = require('node:path');
      const server = createServer((req, res) => { try { res.end(readFileSync(join(process.argv[1], new URL(req.url, 'http://x').pathname))); } catch { res.writeHead(404).end(); } });
      server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
    const server = spawn(process.execPath, ['-e', SERVE, repo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [port] = (await once(server.stdout!, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${String(port).trim()}`;
    try {
      assert.equal(runTool(tools.helm, ['repo', 'index', repo, '--url', url]).status, 0);
      const cache = join(TMP, 'charts');
      const release = { name: 'jaeger', namespace: 'observability', remoteChart: 'jaeger', repo: url, version: '4.11.1-local' };
      const pulled = findChart(tools.helm, release, ROOT, cache);
      assert.ok('dir' in pulled, JSON.stringify(pulled));
      assert.equal(pulled.dir, join(cache, 'jaeger-4.11.1-local', 'jaeger'));
      assert.match(readFileSync(join(pulled.dir, 'Chart.yaml'), 'utf8'), /version: 4\.11\.1-local/);
      server.kill();
      await once(server, 'exit');
      // Cached: found again with the repository gone.
      assert.deepEqual(findChart(tools.helm, release, ROOT, cache), { dir: pulled.dir, from: join(cache, 'jaeger-4.11.1-local') });
    } finally {
      server.kill();
    }
  });

});
