// What a person does in the Jaeger UI, as Playwright steps: the search form, a result, a trace page,
// one span opened. Class names are jaeger-ui's own, checked against the v1.75.0 build (Jaeger 2.12.0's);
// v2.19.0's trace page has the same ones, but its search asks /api/v3/trace-summaries, which only
// Jaeger ≥ 2.19 serves.
import type { Locator, Page } from 'playwright-core';

const UI_TIMEOUT_MS = 15_000;

/** Search page: pick `service` in the Service box, press Find Traces; resolves the result items. */
export async function searchService(page: Page, ui: string, service: string): Promise<Locator> {
  await page.goto(`${ui}/search`, { timeout: UI_TIMEOUT_MS });
  await page.locator('form.ant-form-vertical .ant-select').first().click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.ant-select-item-option', { hasText: new RegExp(`^\\s*${service}\\s*$`) }).click({ timeout: UI_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Find Traces' }).click({ timeout: UI_TIMEOUT_MS });
  await page.locator('.ResultItem').first().waitFor({ timeout: UI_TIMEOUT_MS });
  return page.locator('.ResultItem');
}

/** The search result for one trace: its title shows the first 7 hex digits of the id. */
export function resultItem(results: Locator, traceId: string): Locator {
  return results.filter({ has: results.page().locator('.ResultItemTitle', { hasText: traceId.slice(0, 7) }) });
}

/** The trace page's header numbers, as shown ("Services 3", "Depth 12", "Total Spans 29"). */
export async function traceHeader(page: Page): Promise<{ services: number; depth: number; spans: number; title: string }> {
  const items = page.locator('.TracePageHeader--overviewItems');
  await items.waitFor({ timeout: UI_TIMEOUT_MS });
  const text = await items.innerText();
  const number = (label: string) => Number(new RegExp(`${label}\\s*(\\d+)`).exec(text)?.[1]);
  const title = await page.locator('.TracePageHeader--titleRow .TraceName').innerText();
  return { services: number('Services'), depth: number('Depth'), spans: number('Total Spans'), title };
}

/** Rows of the trace timeline, as service + operation, with whether each shows the error icon. */
export async function timelineRows(page: Page): Promise<Array<{ service: string; operation: string; error: boolean }>> {
  const rows = page.locator('.VirtualizedTraceView--row:has(.span-name-column)');
  await rows.first().waitFor({ timeout: UI_TIMEOUT_MS });
  return rows.evaluateAll((els) =>
    els.map((el) => ({
      service: el.querySelector('.span-svc-name')?.textContent?.trim() ?? '',
      operation: el.querySelector('.endpoint-name')?.textContent?.trim() ?? '',
      error: !!el.querySelector('.SpanBarRow--errorIcon'),
    })),
  );
}

/** Clicks the row of `service` + `operation` open (the `nth` of such rows, from the top); resolves the detail panel under it. */
export async function openSpan(page: Page, service: string, operation: string, nth?: number): Promise<Locator> {
  const row = page
    .locator('.VirtualizedTraceView--row')
    .filter({ has: page.locator('.span-svc-name', { hasText: new RegExp(`^\\s*${service}\\s*$`) }) })
    .filter({ has: page.locator('.endpoint-name', { hasText: new RegExp(`^\\s*${escape(operation)}\\s*$`) }) });
  await (nth === undefined ? row : row.nth(nth)).locator('.span-name').click({ timeout: UI_TIMEOUT_MS });
  const detail = page.locator('.detail-row').first();
  await detail.waitFor({ timeout: UI_TIMEOUT_MS });
  return detail;
}

/** Opens the span's tags (v1 UI "Tags", v2 UI "Attributes") and resolves the table rows as "key value" lines. */
export async function tagRows(detail: Locator): Promise<string[]> {
  const header = detail.locator('.AccordianKeyValues--header', { hasText: /^\s*(Tags|Attributes)/ }).first();
  if ((await header.getAttribute('aria-checked', { timeout: UI_TIMEOUT_MS })) !== 'true') await header.click({ timeout: UI_TIMEOUT_MS });
  const rows = detail.locator('tr');
  await rows.first().waitFor({ timeout: UI_TIMEOUT_MS });
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Opens the span's logs (v2 UI "Events") and each entry in them; resolves the text shown. */
export async function logsText(detail: Locator): Promise<string> {
  const logs = detail.locator('.AccordianLogs').first();
  const header = logs.locator('.AccordianLogs--header');
  if ((await header.getAttribute('aria-checked', { timeout: UI_TIMEOUT_MS })) !== 'true') await header.click({ timeout: UI_TIMEOUT_MS });
  for (const entry of await logs.locator('.AccordianKeyValues--header[aria-checked="false"]').all()) await entry.click({ timeout: UI_TIMEOUT_MS });
  return logs.innerText();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
