import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Stack } from '@tracelab/devstack';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchChromium, type OpenBrowser } from './support/browser';
import { jaegerSuite, uiSkipReason } from './support/jaeger';
import { chooseService, openMonitor, readCharts } from './support/monitor-ui';
import { lastValue, metrics, spmSkipReason, startSpmJaeger, type SpmJaeger } from './support/spm';
import { startTracedStack } from './support/stack';
import { placeOrder, runPhase } from './support/traffic';

const SERVICES = ['gateway', 'orders', 'inventory'];

/**
 * Jaeger's Monitor tab in headless Chromium, fed by real span metrics in a real Prometheus: after
 * bounded traffic it lists the three services, and for each draws its latency, error-rate and
 * request-rate charts and lists its operations.
 */
jaegerSuite('the Monitor tab in a real browser', () => {
  let spm: SpmJaeger;
  let stack: Stack;
  let browser: OpenBrowser;
  let page: Page;
  let ui: string;

  before(async () => {
    spm = await startSpmJaeger();
    ui = spm.jaeger.urls.ui;
    stack = await startTracedStack(spm.jaeger.urls.otlpGrpc, { TRACELAB_FAULT_INJECTION: 'true' });
    const orderId = await placeOrder(stack.urls.gateway);
    // Two rounds of scrapes at least, so rate() has two points for every series.
    await runPhase(stack.urls.gateway, orderId, { durationMs: 20_000, maxRounds: 300, orderFault: 'exception' });
    const deadline = Date.now() + 30_000;
    const ready = async () => (await Promise.all(SERVICES.map(async (service) => (await metrics(ui, 'calls', { service })).some((s) => (lastValue(s) ?? 0) > 0)))).every(Boolean);
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error('Jaeger\'s metrics API has no call rate for every service 30 s after the traffic');
      await new Promise((r) => setTimeout(r, 1000));
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 1200 });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await spm?.stop();
  });

  test('the service box lists gateway, orders and inventory', async () => {
    const services = await openMonitor(page, ui);
    for (const s of SERVICES) assert.ok(services.includes(s), `${s} in ${services.join(', ')}`);
  });

  for (const service of SERVICES) {
    test(`${service}: latency, error-rate and request-rate charts draw data, and its operations are listed`, async () => {
      await chooseService(page, service);
      const shown = await readCharts(page);
      assert.equal(shown.noData, false, 'no "No data yet!" banner');
      assert.equal(shown.charts.length, 3, `three charts: ${JSON.stringify(shown.charts)}`);
      for (const chart of shown.charts) assert.ok(chart.marks > 0, `chart "${chart.title}" draws a line: ${JSON.stringify(shown.charts)}`);
      assert.ok(shown.operations.length > 0, `operations listed for ${service}`);
      if (service === 'gateway') for (const op of ['GET /api/products/:sku', 'GET /api/orders/:id']) assert.ok(shown.operations.includes(op), `${op} in ${shown.operations.join(', ')}`);
    });
  }
}, spmSkipReason || uiSkipReason || browserSkipReason);
