import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { SpanAccounting } from '../src/span-accounting';

/** An exporter that takes `delayMs` per batch and succeeds or fails. */
function exporter(delayMs: number, ok: boolean): SpanExporter {
  return {
    export: (spans: ReadableSpan[], done) => setTimeout(() => done({ code: ok ? ExportResultCode.SUCCESS : ExportResultCode.FAILED }), delayMs),
    shutdown: async () => {},
  };
}

async function run(accounting: SpanAccounting, inner: SpanExporter, spans: number, queue: number) {
  const batch = new BatchSpanProcessor({ exporter: accounting.wrap(inner), maxQueueSize: queue, maxExportBatchSize: queue, scheduledDelayMillis: 10 });
  const provider = new TracerProvider({ spanProcessors: [accounting.counter, batch] });
  const tracer = provider.getTracer('test');
  for (let i = 0; i < spans; i++) tracer.startSpan(`s${i}`).end();
  // With a failing exporter the final flush rejects: that failure is what the test counts.
  await provider.shutdown().catch(() => undefined);
}

describe('span accounting: drops are counted, never silent', () => {
  test('all exported when the queue keeps up', async () => {
    const a = new SpanAccounting();
    await run(a, exporter(1, true), 50, 2048);
    assert.deepEqual(a.stats, { ended: 50, exported: 50, failed: 0 });
    assert.equal(a.summary(), 'tracing: 50 spans ended, 50 exported, 0 failed to export, 0 dropped or unsent');
  });

  test('a full queue drops spans and the difference shows them', async () => {
    const a = new SpanAccounting();
    await run(a, exporter(50, true), 100, 10);
    assert.equal(a.stats.ended, 100);
    assert.ok(a.stats.exported < 100 && a.stats.exported >= 10, `exported ${a.stats.exported}`);
    assert.match(a.summary(), new RegExp(`${100 - a.stats.exported} dropped or unsent$`));
  });

  test('failed exports are counted apart from drops', async () => {
    const a = new SpanAccounting();
    await run(a, exporter(1, false), 20, 2048);
    assert.deepEqual(a.stats, { ended: 20, exported: 0, failed: 20 });
  });
});
