import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { freePort, startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { startStack, type ServiceName } from '@tracelab/devstack';
import { FakeCollector, type PlainSpan } from '@tracelab/tracing/testing';
import { request, settle } from './support/processes';

const NAMES = ['http', 'undici', 'pg', 'pino', 'nestjs-core', 'express'] as const;
const DEFAULTS = ['http', 'undici', 'pg', 'pino'] as const;
type Name = (typeof NAMES)[number];
const scopeOf = (name: Name) => `@opentelemetry/instrumentation-${name}`;

/**
 * What each instrumentation leaves behind. `undefined`: cannot be seen (Express, when enabled, only
 * names SERVER spans, which TracingModule's interceptor does anyway; and without `http` no request
 * has a span, so `undici` and `pg`, which make spans only under a parent, and `pino`, which logs the
 * active span's ids, have nothing to show).
 */
function leftBehind(name: Name, spans: PlainSpan[], logs: string[], on: Name[]): boolean | undefined {
  if (!on.includes('http') && ['undici', 'pg', 'pino'].includes(name)) return undefined;
  switch (name) {
    case 'express':
      return undefined;
    case 'pino':
      return logs.some((line) => line.includes('"trace_id":"'));
    default:
      return spans.some((s) => s.scope === scopeOf(name));
  }
}

/** The configurations tried: the default set, each default one left out, and everything with connect spans. */
const CONFIGS: Array<{ label: string; env: Record<string, string>; on: Name[] }> = [
  { label: '(defaults)', env: {}, on: [...DEFAULTS] },
  ...DEFAULTS.map((name) => ({
    // The pino run also carries a name that is no instrumentation: warned about, nothing else changes.
    label: `OTEL_NODE_DISABLED_INSTRUMENTATIONS=${name === 'pino' ? 'pino,nosuch' : name}`,
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: name === 'pino' ? 'pino,nosuch' : name },
    on: DEFAULTS.filter((n) => n !== name),
  })),
  {
    label: `OTEL_NODE_ENABLED_INSTRUMENTATIONS=${NAMES.join(',')} TRACING_PG_CONNECT_SPANS=true`,
    env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: NAMES.join(','), TRACING_PG_CONNECT_SPANS: 'true' },
    on: [...NAMES],
  },
];

const label = (s: PlainSpan) => `${s.service}:${s.name}`;

/**
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS as a user sees it: the three services started as production
 * starts them, once per instrumentation left out, and the spans one request makes at the collector.
 */
describe('OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS in running services', () => {
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
    console.log(`spans per request by configuration:\n| configuration | GET /api/products | POST /api/orders |\n| --- | --- | --- |\n${table.join('\n')}`);
    delete process.env.DATABASE_URL;
    await collector.stop();
    await db?.stop();
  });

  for (const config of CONFIGS) {
    // The title names only what the test can see: an instrumentation whose mark cannot be seen in
    // this configuration (see leftBehind) is listed apart, neither shown on nor shown off.
    const visible = NAMES.filter((n) => leftBehind(n, [], [], config.on) !== undefined);
    const unseen = NAMES.filter((n) => !visible.includes(n));
    const on = visible.filter((n) => config.on.includes(n));
    const off = visible.filter((n) => !config.on.includes(n));
    const marks = [on.length && `${on.join(', ')} leave their mark`, off.length && `${off.join(', ')} none`].filter(Boolean).join(', ');
    const title = `${config.label}: ${marks}; not visible either way in this configuration: ${unseen.join(', ')}`;
    test(title, async () => {
      const logs: string[] = [];
      const stack = await startStack({
        otlpEndpoint: collector.endpoint,
        ports: { gateway: await freePort(), orders: await freePort(), inventory: await freePort() },
        env: { OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info', ...config.env },
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
        table.push(`| ${config.label} | ${get.spans.length} | ${post.spans.length} |`);
        console.log(`${config.label}: GET /api/products → ${get.spans.length} spans: ${get.spans.map(label).join(', ')}`);
        console.log(`${config.label}: POST /api/orders → ${post.spans.length} spans: ${post.spans.map(label).join(', ')}`);

        for (const run of [get, post]) {
          for (const name of NAMES) {
            const seen = leftBehind(name, run.spans, run.logs, config.on);
            if (!config.on.includes(name)) assert.notEqual(seen, true, `${name} is not enabled, yet left its mark: ${run.spans.map(label).join(', ')}`);
            else if (seen !== undefined) assert.equal(seen, true, `${name} is enabled, yet left no mark: ${run.spans.map(label).join(', ')}`);
          }
          // Route names come from TracingModule whatever the set, as long as there are SERVER spans.
          for (const server of run.spans.filter((s) => s.kind === SpanKind.SERVER)) assert.match(server.name, /^(GET|POST) \/\S+$/, label(server));
          const connects = run.spans.filter((s) => s.name === 'pg-pool.connect').length;
          assert.equal(connects > 0, config.env.TRACING_PG_CONNECT_SPANS === 'true', `pg-pool.connect spans: ${connects}`);
          assert.ok(run.logs.some((l) => l.includes('"msg":"request completed"')), 'request logs are written either way');
        }
        const warnings = logs.filter((l) => l.includes('OTEL_NODE_DISABLED_INSTRUMENTATIONS'));
        if (config.label.includes('nosuch')) {
          assert.equal(warnings.length, 3, `one warning per service:\n${warnings.join('\n')}`);
          for (const w of warnings) assert.match(w, /unknown instrumentation "nosuch" ignored; valid names: http, undici, pg, pino, nestjs-core, express$/);
        } else {
          assert.deepEqual(warnings, []);
        }
      } finally {
        await stack.stop();
      }
    });
  }
});
