import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@tracelab/devdb';
import { waitForTrace } from './support/jaeger-api';
import { freePorts, scripts } from './support/jaeger';

/** No Jaeger needed: a Jaeger that never answers, hangs, or dies must fail fast and say why. */
describe('bounded waits when Jaeger is slow, silent or gone', () => {
  let silent: Server;
  let url: string;

  before(async () => {
    // Accepts requests and never answers them: a hung query service.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });
  after(() => {
    silent.closeAllConnections();
    silent.close();
  });

  test('reading a trace from a query API that never answers gives up at its bound, naming it', async () => {
    const began = Date.now();
    await assert.rejects(waitForTrace(url, 'f'.repeat(32), 1500), /did not return trace f{32} complete within 1500 ms \(had 0 spans\)/);
    const took = Date.now() - began;
    assert.ok(took < 3000, `gave up after ${took} ms`);
  });

  test('a Jaeger that starts but never gets healthy is stopped after the ready timeout', async () => {
    const { startJaeger } = await scripts();
    const began = Date.now();
    // `sleep` stands in for a Jaeger that hangs before opening its health port.
    await assert.rejects(startJaeger({ bin: 'sleep', args: ['30'], ports: { health: await freePort() }, readyTimeoutMs: 1500 }), /did not answer http:\/\/127\.0\.0\.1:\d+\/status within 1500 ms/);
    assert.ok(Date.now() - began < 8000, 'bounded: ready timeout plus at most the 5 s stop grace');
  });

  test('a Jaeger that exits at start fails at once with its last error line', async () => {
    const { startJaeger } = await scripts();
    const began = Date.now();
    await assert.rejects(startJaeger({ bin: 'sh', args: ['-c', 'echo "Error: cannot start pipelines: listen tcp :4317: bind: address already in use" >&2; exit 1'], ports: { health: await freePort() } }), /exited \(1\) before it was up: Error: cannot start pipelines.*address already in use/);
    assert.ok(Date.now() - began < 3000);
  });

  test('a port already in use is one clear line naming the port, before anything starts', async () => {
    const { startJaeger } = await scripts();
    const ports = await freePorts();
    const taken = (silent.address() as { port: number }).port;
    await assert.rejects(startJaeger({ bin: '/nonexistent/jaeger', ports: { ...ports, otlpGrpc: taken } }), new RegExp(`^Error: port ${taken} \\(OTLP gRPC\\) on 127\\.0\\.0\\.1 is already in use`));
  });

  test('a missing binary is one clear line, not a hang', async () => {
    const { startJaeger } = await scripts();
    await assert.rejects(startJaeger({ bin: '/nonexistent/jaeger', args: [], ports: { health: await freePort() } }), /cannot run \/nonexistent\/jaeger: .*ENOENT/);
  });
});
