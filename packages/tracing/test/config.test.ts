import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isIgnoredPath, resolveConfig } from '../src/config';

describe('configuration from OTEL_* variables', () => {
  test('defaults: localhost:4317, an export timeout of 1.5 s, health paths ignored, tracing on', () => {
    const c = resolveConfig({}, {});
    assert.equal(c.endpoint, 'http://localhost:4317');
    assert.equal(c.exportTimeoutMillis, 1500);
    assert.equal(c.disabled, false);
    assert.deepEqual(c.ignorePaths, ['/health/']);
  });

  test('traces endpoint beats the generic one; options beat both', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4317' };
    assert.equal(resolveConfig({}, env).endpoint, 'http://b:4317');
    assert.equal(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317' }).endpoint, 'http://a:4317');
    assert.equal(resolveConfig({ endpoint: 'http://c:4317' }, env).endpoint, 'http://c:4317');
  });

  test('OTEL_BSP_* and timeouts are read; invalid numbers fall back to defaults', () => {
    const c = resolveConfig({}, {
      OTEL_BSP_MAX_QUEUE_SIZE: '4096',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_EXPORTER_OTLP_TIMEOUT: '800',
    });
    assert.deepEqual(c.batch, { maxQueueSize: 4096, maxExportBatchSize: 256, scheduledDelayMillis: undefined, exportTimeoutMillis: 800 });
    assert.equal(c.exportTimeoutMillis, 800);
    const shorterBatch = resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '10000', OTEL_BSP_EXPORT_TIMEOUT: '300' });
    assert.equal(shorterBatch.exportTimeoutMillis, 300, 'the gRPC call gives up when the batch processor does');
    assert.equal(shorterBatch.batch.exportTimeoutMillis, 300);
  });

  test('OTEL_SDK_DISABLED=true disables; service name and environment come from the environment', () => {
    const c = resolveConfig({}, { OTEL_SDK_DISABLED: 'TRUE', OTEL_SERVICE_NAME: 'orders', NODE_ENV: 'production' });
    assert.equal(c.disabled, true);
    assert.equal(c.serviceName, 'orders');
    assert.equal(c.environment, 'production');
    assert.equal(resolveConfig({}, { OTEL_SDK_DISABLED: 'false' }).disabled, false);
  });

  test('OTEL_NODE_DISABLED_INSTRUMENTATIONS lists instrumentations to leave out by short name', () => {
    assert.deepEqual(resolveConfig({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'nestjs-core, pino' }).disabledInstrumentations, ['nestjs-core', 'pino']);
    assert.deepEqual(resolveConfig({}, {}).disabledInstrumentations, []);
  });

  test('OTEL_NODE_ENABLED_INSTRUMENTATIONS names the whole set when given; unset or blank means the default set', () => {
    assert.deepEqual(resolveConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, nestjs-core' }).enabledInstrumentations, ['http', 'nestjs-core']);
    assert.equal(resolveConfig({}, {}).enabledInstrumentations, undefined);
    assert.equal(resolveConfig({}, { OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' ' }).enabledInstrumentations, undefined);
  });

  test('pg-pool.connect spans: off by default, on with TRACING_PG_CONNECT_SPANS=true or the option', () => {
    assert.equal(resolveConfig({}, {}).pgConnectSpans, false);
    assert.equal(resolveConfig({}, { TRACING_PG_CONNECT_SPANS: 'TRUE' }).pgConnectSpans, true);
    assert.equal(resolveConfig({}, { TRACING_PG_CONNECT_SPANS: '1' }).pgConnectSpans, false);
    assert.equal(resolveConfig({ pgConnectSpans: false }, { TRACING_PG_CONNECT_SPANS: 'true' }).pgConnectSpans, false);
  });

  test('sqlcommenter: off by default, on with TRACING_PG_SQLCOMMENTER=true or the option', () => {
    assert.equal(resolveConfig({}, {}).pgSqlCommenter, false);
    assert.equal(resolveConfig({}, { TRACING_PG_SQLCOMMENTER: 'true' }).pgSqlCommenter, true);
    assert.equal(resolveConfig({ pgSqlCommenter: true }, {}).pgSqlCommenter, true);
  });

  test('ignored paths match exactly or by prefix ending in "/", query strings ignored', () => {
    const ignore = ['/health/', '/metrics'];
    assert.ok(isIgnoredPath('/health/ready', ignore));
    assert.ok(isIgnoredPath('/health/live?probe=1', ignore));
    assert.ok(isIgnoredPath('/metrics', ignore));
    assert.ok(!isIgnoredPath('/metrics/extra', ignore));
    assert.ok(!isIgnoredPath('/api/healthy', ignore));
  });
});
