// `npm run screenshots`: regenerates docs/images/jaeger-*.png from a real run: Jaeger, the three
// services, one request per picture, Jaeger's UI in headless Chromium. Never edit the PNGs by hand.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { waitForTrace } from './support/jaeger-api';
import { root, skipReason, startTestJaeger } from './support/jaeger';
import { logsText, openSpan, searchService } from './support/jaeger-ui';
import { call, order, startTracedStack } from './support/stack';

const OUT = join(root, 'docs/images');
const fault = (name: string) => ({ baggage: `tracelab.fault=${name}` });

async function main() {
  if (skipReason) throw new Error(skipReason);
  const { jaeger, ui } = await startTestJaeger();
  if (!ui) console.log('serving the UI built into the binary');
  const stack = await startTracedStack(jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
  const browser = await launchChromium();
  try {
    const api = stack.urls.gateway;
    const base = jaeger.urls.ui;
    await order(api, 'c-warmup', [['SKU-005', 1]]); // first requests open connections and plan queries
    const placed = await order(api, 'customer-42', [['SKU-001', 2], ['SKU-002', 1]]);
    const id = (placed.body as { id: string }).id;
    for (let i = 0; i < 5; i++) await order(api, 'customer-42', [['SKU-006', 1]]);
    await call(api, 'GET', '/api/customers/customer-42/orders'); // warm the product lookups too
    const ladder = await call(api, 'GET', '/api/customers/customer-42/orders', fault('n-plus-one'));
    const staircase = await call(api, 'GET', '/api/customers/customer-42/orders', fault('sequential-fanout'));
    // Last, so the search page (most recent first) opens on the failed request and its error count.
    await order(api, 'customer-42', [['SKU-003', 1]]);
    const exception = await call(api, 'GET', `/api/orders/${id}`, fault('exception'));
    for (const r of [placed, exception, ladder, staircase]) await waitForTrace(base, r.traceId);

    mkdirSync(OUT, { recursive: true });
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await searchService(page, base, 'gateway');
    await shot(page, 'jaeger-search', false); // the first results say it; the whole list is long
    await trace(page, base, placed.traceId, 'jaeger-order');
    await trace(page, base, ladder.traceId, 'jaeger-n-plus-one');
    await trace(page, base, staircase.traceId, 'jaeger-sequential-fanout');
    await trace(page, base, exception.traceId, undefined);
    await logsText(await openSpan(page, 'orders', 'GET /orders/:id')); // the SERVER span holds the exception event
    await shot(page, 'jaeger-exception');
  } finally {
    await browser.close();
    await stack.stop();
    await jaeger.stop();
  }
}

async function trace(page: Page, ui: string, traceId: string, name: string | undefined) {
  await page.goto(`${ui}/trace/${traceId}`);
  await page.locator('.VirtualizedTraceView--row').first().waitFor();
  await widenNames(page);
  if (name) await shot(page, name);
}

/** Drags the name column from a quarter of the width to 40%, so operation names are not cut. */
async function widenNames(page: Page) {
  const dragger = page.locator('.TimelineHeaderRow .VerticalResizer--dragger').first();
  const box = await dragger.boundingBox();
  if (!box) return;
  const width = page.viewportSize()!.width;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.mouse.move(0, 0); // no hover highlight in the picture
  await page.waitForTimeout(300);
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage });
  console.log(`wrote ${path}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`screenshots: ${error.message}`);
    process.exit(1);
  },
);
