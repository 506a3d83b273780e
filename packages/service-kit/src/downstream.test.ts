import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpException } from '@nestjs/common';
import { DownstreamClient } from './downstream';

/**
 * A server that, for the first request on each path, destroys the connection without answering:
 * what a pooled keep-alive connection does when the pod behind it shuts down as the request goes
 * out. Later requests on that path are answered.
 */
describe('DownstreamClient when the connection closes under a request', () => {
  let server: Server;
  let client: DownstreamClient;
  const seen: string[] = [];
  const broken = new Set<string>();

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      const key = `${req.method} ${req.url}`;
      if (req.url?.startsWith('/always-closed') || !broken.has(key)) {
        broken.add(key);
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new DownstreamClient({ name: 'orders', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMillis: 5000 });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const failure = async (p: Promise<unknown>) => {
    const error = await p.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof HttpException, `an HttpException, got ${String(error)}`);
    return { status: error.getStatus(), body: error.getResponse() as { message: string; retryAfterSeconds?: number } };
  };

  test('a GET is sent once more and answered', async () => {
    seen.length = 0;
    const { status, body } = await client.request('GET', '/orders/1');
    assert.deepEqual([status, body], [200, { ok: true }]);
    assert.deepEqual(seen, ['GET /orders/1', 'GET /orders/1'], 'two attempts reached the server');
  });

  test('a POST is never repeated: the caller gets 503 with Retry-After', async () => {
    seen.length = 0;
    const { status, body } = await failure(client.request('POST', '/orders', { a: 1 }));
    assert.equal(status, 503);
    assert.match(body.message, /^orders is unreachable: (UND_ERR_SOCKET|ECONNRESET)$/);
    assert.equal(body.retryAfterSeconds, 1);
    assert.deepEqual(seen, ['POST /orders'], 'one attempt only');
  });

  test('a GET is repeated once, not more: a second close is a 503', async () => {
    seen.length = 0;
    const { status } = await failure(client.request('GET', '/always-closed'));
    assert.equal(status, 503);
    assert.deepEqual(seen, ['GET /always-closed', 'GET /always-closed']);
  });
});
