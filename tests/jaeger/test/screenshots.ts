// `npm run screenshots`: regenerates docs/images/jaeger-*.png from a real run: Jaeger, the three
// services, one request per picture, Jaeger's UI in headless Chromium. Never edit the PNGs by hand.
// With a Prometheus binary, Jaeger runs with span metrics and the Monitor tab is pictured too, after
// healthy traffic and then slow-query and exception traffic (jaeger-monitor.png). With --cluster,
// only the picture of the scenario the cluster runs, from its Jaeger (screenshots-cluster.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { waitForTrace } from './support/jaeger-api';
import { root, skipReason, startTestJaeger, type RunningJaeger } from './support/jaeger';
import { logsText, openSpan, searchService } from './support/jaeger-ui';
import { chooseService, openMonitor, readCharts } from './support/monitor-ui';
import { spmSkipReason, startSpmJaeger } from './support/spm';
import { placeOrder, runPhase } from './support/traffic';
import { call, order, startTracedStack } from './support/stack';
import { clusterScreenshot } from './screenshots-cluster';

const OUT = join(root, 'docs/images');
const fault = (name: string) => ({ baggage: `tracelab.fault=${name}` });

async function main() {
  if (skipReason) throw new Error(skipReason);
  if (spmSkipReason) console.log(`no Monitor tab picture: ${spmSkipReason}`);
  const spm = spmSkipReason ? undefined : await startSpmJaeger();
  const { jaeger, ui }: { jaeger: RunningJaeger; ui?: string } = spm ?? (await startTestJaeger());
  if (!ui) console.log('serving the UI built into the binary');
  const stack = await startTracedStack(jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
  const browser = await launchChromium();
  try {
    const api = stack.urls.gateway;
    const base = jaeger.urls.ui;
    if (spm) {
      // First the Monitor tab: healthy traffic, then the product view slowed and order reads failing.
      const orderId = await placeOrder(api);
      await runPhase(api, orderId, { durationMs: 75_000, maxRounds: 900 }); // the UI plots a point a minute
      await runPhase(api, orderId, { durationMs: 75_000, maxRounds: 600, productFault: 'slow-query', orderFault: 'exception' });
      await new Promise((r) => setTimeout(r, 12_000)); // the last calls flushed and scraped
    }
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
    if (spm) {
      await openMonitor(page, base);
      await chooseService(page, 'gateway', 'Last 5 minutes');
      const shown = await readCharts(page);
      if (shown.noData || shown.charts.some((c) => c.marks === 0)) throw new Error(`the Monitor tab shows no data: ${JSON.stringify(shown)}`);
      await shot(page, 'jaeger-monitor');
    }
  } finally {
    await browser.close();
    await stack.stop();
    await (spm ?? jaeger).stop();
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

(process.argv.includes('--cluster') ? clusterScreenshot(OUT) : main()).then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`screenshots: ${error.message}`);
    process.exit(1);
  },
);
