import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { startStack, type ServiceName } from '@tracelab/devstack';
import { FakeCollector, type PlainSpan } from '@tracelab/tracing/testing';
import { request, settle } from './support/processes';

const NAMES = ['http', 'undici', 'express', 'nestjs-core', 'pg', 'pino'] as const;
type Name = (typeof NAMES)[number];
const scopeOf = (name: Name) => `@opentelemetry/instrumentation-${name}`;

/**
 * What each instrumentation leaves behind. `undefined`: cannot be seen in this configuration (Express
 * only names the http SERVER span, so without `http` there is nothing of it to see).
 */
function leftBehind(name: Name, spans: PlainSpan[], logs: string[]): boolean | undefined {
  switch (name) {
    case 'express': {
      const servers = spans.filter((s) => s.kind === SpanKind.SERVER && s.scope === scopeOf('http'));
      return servers.length === 0 ? undefined : servers.some((s) => s.attributes['http.route'] !== undefined);
    }
    case 'pino':
      return logs.some((line) => line.includes('"trace_id":"'));
    default:
      return spans.some((s) => s.scope === scopeOf(name));
  }
}

const label = (s: PlainSpan) => `${s.service}:${s.name}`;

/**
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS as a user sees it: the three services started as production
 * starts them, once per instrumentation left out, and the spans one request makes at the collector.
 */
describe('OTEL_NODE_DISABLED_INSTRUMENTATIONS in running services', () => {
  const collector = new FakeCollector();
  let db: DevDatabase;
  const table: string[] = [];

  before(async () => {
    await collector.start();
    db = await startDevDatabase({ databases: ['orders', 'inventory'] });
    // startStack uses this server instead of starting one per configuration.
    process.env.DATABASE_URL = db.urlFor('postgres');
  });
  after(async () => {
    console.log(`spans per request, each instrumentation disabled in turn:\n| disabled | GET /api/products | POST /api/orders |\n| --- | --- | --- |\n${table.join('\n')}`);
    delete process.env.DATABASE_URL;
    await collector.stop();
    await db?.stop();
  });

  for (const disabled of ['', ...NAMES] as Array<'' | Name>) {
    // The pino run also carries a name that is no instrumentation: warned about, nothing else changes.
    const value = disabled === 'pino' ? 'pino,nosuch' : disabled;
    test(`OTEL_NODE_DISABLED_INSTRUMENTATIONS=${value || '(unset)'}: ${disabled ? `no ${disabled} spans or log fields, the others remain` : 'every instrumentation leaves its mark'}`, async () => {
      const logs: string[] = [];
      const stack = await startStack({
        otlpEndpoint: collector.endpoint,
        ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
        env: { OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info', ...(value ? { OTEL_NODE_DISABLED_INSTRUMENTATIONS: value } : {}) },
        onLine: (service: ServiceName, line: string) => logs.push(`${service} ${line}`),
      });
      try {
        const api = stack.urls.gateway;
        const order = { customerId: 'c-disabled', items: [{ sku: 'SKU-002', quantity: 1 }] };
        // Warm-up: the first request opens connections and prepares statements.
        const warm = [await request(`${api}/api/products`), await request(`${api}/api/orders`, { method: 'POST', body: order })];
        assert.deepEqual(warm.map((r) => r.status), [200, 201], `warm-up answers: ${JSON.stringify(warm.map((r) => r.body))}`);
        await settle(collector);
        const measure = async (method: string, path: string, body?: unknown) => {
          collector.clear();
          const from = logs.length;
          const answer = await request(`${api}${path}`, { method, body });
          assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
          await settle(collector);
          return { spans: collector.spans(), logs: logs.slice(from) };
        };
        const get = await measure('GET', '/api/products');
        const post = await measure('POST', '/api/orders', order);
        table.push(`| ${value || 'none'} | ${get.spans.length} | ${post.spans.length} |`);
        console.log(`${value || 'none'}: GET /api/products → ${get.spans.length} spans: ${get.spans.map(label).join(', ')}`);
        console.log(`${value || 'none'}: POST /api/orders → ${post.spans.length} spans: ${post.spans.map(label).join(', ')}`);

        for (const run of [get, post]) {
          for (const name of NAMES) {
            const seen = leftBehind(name, run.spans, run.logs);
            if (name === disabled) assert.notEqual(seen, true, `${name} is disabled, yet left its mark: ${run.spans.map(label).join(', ')}`);
            else if (seen !== undefined) assert.equal(seen, true, `${name} is enabled, yet left no mark: ${run.spans.map(label).join(', ')}`);
          }
          assert.ok(run.logs.some((l) => l.includes('"msg":"request completed"')), 'request logs are written either way');
        }
        const warnings = logs.filter((l) => l.includes('OTEL_NODE_DISABLED_INSTRUMENTATIONS'));
        if (value.includes('nosuch')) {
          assert.equal(warnings.length, 3, `one warning per service:\n${warnings.join('\n')}`);
          for (const w of warnings) assert.match(w, /unknown instrumentation "nosuch" ignored; valid names: http, undici, express, nestjs-core, pg, pino$/);
        } else {
          assert.deepEqual(warnings, []);
        }
      } finally {
        await stack.stop();
      }
    });
  }
});
