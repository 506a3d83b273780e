// The Monitor tab (Service Performance Monitoring) as a person uses it, as Playwright steps. Class
// names are jaeger-ui's own, checked against the v1.75.0 build (Jaeger 2.12.0's).
import type { Page } from 'playwright-core';

const UI_TIMEOUT_MS = 20_000;

/** Opens the Monitor tab; resolves the services its service box offers. */
export async function openMonitor(page: Page, ui: string): Promise<string[]> {
  await page.goto(`${ui}/monitor`, { timeout: UI_TIMEOUT_MS });
  const select = page.locator('.select-a-service-input');
  await select.waitFor({ timeout: UI_TIMEOUT_MS });
  await select.click();
  const options = page.locator('.ant-select-item-option');
  await options.first().waitFor({ timeout: UI_TIMEOUT_MS });
  const services = (await options.allInnerTexts()).map((s) => s.trim());
  await page.keyboard.press('Escape');
  return services;
}

/** Picks `service` in the service box and `timeframe` (e.g. "Last 5 minutes") in the timeframe box. */
export async function chooseService(page: Page, service: string, timeframe = 'Last 5 minutes'): Promise<void> {
  await page.locator('.select-a-service-input').click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.ant-select-item-option', { hasText: new RegExp(`^\\s*${service}\\s*$`) }).click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.select-a-timeframe-input').click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.ant-select-item-option', { hasText: timeframe }).click({ timeout: UI_TIMEOUT_MS });
}

export interface MonitorCharts {
  /**
   * Each chart's title and how many data marks it draws: curve paths with a real `d`, and dots (the
   * UI's step is one minute, so the first minute of traffic is a single dot, no line yet).
   */
  charts: Array<{ title: string; marks: number }>;
  /** The operations table's rows: operation name as shown. */
  operations: string[];
  /** The "No data yet!" banner is up. */
  noData: boolean;
}

/** What the three charts and the operations table show once loaded (bounded wait for the first drawn line). */
export async function readCharts(page: Page): Promise<MonitorCharts> {
  const charts = page.locator('.graph-container');
  await charts.first().waitFor({ timeout: UI_TIMEOUT_MS });
  // Drawn: in the plot (not the legend), a curve with a real `d` or a dot, in every chart.
  const marks = 'svg[role=application] path.recharts-curve[d*=L], svg[role=application] circle';
  await page
    .waitForFunction(`[...document.querySelectorAll('.graph-container')].every((g) => g.querySelectorAll('${marks}').length > 0)`, undefined, { timeout: UI_TIMEOUT_MS })
    .catch(() => {});
  const drawn = await charts.evaluateAll(
    (els, selector) =>
      els.map((g) => ({
        title: (g.querySelector('.graph-header')?.textContent ?? '').trim(),
        marks: g.querySelectorAll(selector).length,
      })),
    marks,
  );
  // The operations table ("Operations metrics under <service>") loads after the charts.
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await rows.first().waitFor({ timeout: UI_TIMEOUT_MS }).catch(() => {});
  const operations = (await rows.evaluateAll((trs) => trs.map((r) => (r.querySelector('td')?.textContent ?? '').trim()))).filter(Boolean);
  const noData = (await page.getByText('No data yet').count()) > 0;
  return { charts: drawn, operations, noData };
}
