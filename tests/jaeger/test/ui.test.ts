import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import { buildTrees, errorSpans, type PlainSpan, type SpanNode } from '@tracelab/tracing/testing';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchChromium, type OpenBrowser } from './support/browser';
import { waitForTrace } from './support/jaeger-api';
import { jaegerSuite, skipReason, startTestJaeger, uiSkipReason, type RunningJaeger } from './support/jaeger';
import { logsText, openSpan, resultItem, searchService, tagRows, timelineRows, traceHeader } from './support/jaeger-ui';
import { call, order, startTracedStack } from './support/stack';

const depthOf = (spans: PlainSpan[]) => {
  const depth = (n: SpanNode): number => 1 + Math.max(0, ...n.children.map(depth));
  return Math.max(...buildTrees(spans).map(depth));
};

/**
 * Jaeger's own UI, served by Jaeger, in headless Chromium: what a person sees for a healthy order
 * and for the `exception` scenario, checked against what the API says the traces hold.
 */
jaegerSuite('the Jaeger UI in a real browser', () => {
  let jaeger: RunningJaeger;
  let stack: Stack;
  let browser: OpenBrowser;
  let page: Page;
  let ui: string;
  const traces: Record<'order' | 'exception', { id: string; spans: PlainSpan[] }> = {} as never;

  before(async () => {
    const started = await startTestJaeger();
    jaeger = started.jaeger;
    ui = jaeger.urls.ui;
    stack = await startTracedStack(jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
    const placed = await order(stack.urls.gateway, 'c-ui', [['SKU-001', 2], ['SKU-002', 1]]);
    assert.equal(placed.status, 201);
    const failed = await call(stack.urls.gateway, 'GET', `/api/orders/${(placed.body as { id: string }).id}`, { baggage: 'tracelab.fault=exception' });
    assert.equal(failed.status, 502);
    traces.order = { id: placed.traceId, spans: await waitForTrace(ui, placed.traceId) };
    traces.exception = { id: failed.traceId, spans: await waitForTrace(ui, failed.traceId) };
    browser = await launchChromium();
    page = await browser.context.newPage();
    // Tall enough that the virtualized timeline renders every row of a 29-span order.
    await page.setViewportSize({ width: 1400, height: 1800 });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await jaeger?.stop();
  });

  test('search: service "gateway" lists both traces with their span counts, the failed one with its error count', async () => {
    const results = await searchService(page, ui, 'gateway');
    const healthy = await resultItem(results, traces.order.id).innerText();
    assert.match(healthy, /POST \/api\/orders/);
    assert.match(healthy, new RegExp(`${traces.order.spans.length} Spans`));
    assert.doesNotMatch(healthy, /Error/);
    const failed = await resultItem(results, traces.exception.id).innerText();
    assert.match(failed, /GET \/api\/orders\/:id/);
    assert.match(failed, new RegExp(`${errorSpans(traces.exception.spans).length} Errors?`), failed);
  });

  test('an order: 3 services, every span, the tree\'s depth, no error marks', async () => {
    await (await searchService(page, ui, 'gateway')).filter({ hasText: traces.order.id.slice(0, 7) }).locator('.ResultItemTitle').click();
    await page.waitForURL(`**/trace/${traces.order.id}*`);
    const header = await traceHeader(page);
    assert.equal(header.services, 3);
    assert.equal(header.spans, traces.order.spans.length);
    assert.equal(header.depth, depthOf(traces.order.spans));
    assert.match(header.title, /gateway: POST \/api\/orders/);
    const rows = await timelineRows(page);
    assert.equal(rows.length, traces.order.spans.length, 'one timeline row per span');
    assert.equal(rows.filter((r) => r.error).length, 0, 'no error icon on a healthy order');
    assert.deepEqual(new Set(rows.map((r) => r.service)), new Set(['gateway', 'orders', 'inventory']));
  });

  test('the exception scenario: error marks on exactly the failing path, the exception log and the tracelab.fault tag in the span details', async () => {
    await (await searchService(page, ui, 'gateway')).filter({ hasText: traces.exception.id.slice(0, 7) }).locator('.ResultItemTitle').click();
    await page.waitForURL(`**/trace/${traces.exception.id}*`);
    const header = await traceHeader(page);
    assert.equal(header.spans, traces.exception.spans.length);
    assert.equal(header.services, 2, 'gateway and orders: the fault fires before inventory is called');
    const rows = await timelineRows(page);
    const marked = rows.filter((r) => r.error).map((r) => `${r.service} ${r.operation}`).sort();
    assert.deepEqual(marked, errorSpans(traces.exception.spans).map((s) => `${s.service} ${s.name}`).sort(), 'error icons on the ERROR spans, and only on them');
    assert.ok(rows.some((r) => !r.error), 'the pg spans below the failure are not marked');

    const origin = traces.exception.spans.find((s) => s.attributes['tracelab.fault'] === 'exception' && s.events.some((e) => e.name === 'exception'));
    assert.ok(origin, 'the API names the span where the exception was thrown');
    const detail = await openSpan(page, origin.service, origin.name);
    const logs = await logsText(detail);
    assert.match(logs, /exception/);
    assert.match(logs, /TypeError/);
    assert.match(logs, /withDiscount/, 'the stack trace is in the log');
    const tags = await tagRows(detail);
    assert.ok(tags.includes('tracelab.fault exception'), tags.join('\n'));
    assert.ok(tags.includes('error true'), 'Jaeger marks the span with error=true');
  });
}, skipReason || uiSkipReason || browserSkipReason);
