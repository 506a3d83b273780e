import type { FakeCollector } from '@tracelab/tracing/testing';
import { ENDPOINTS, load } from './load';
import type { Settings } from './settings';
import { spanTotals, start } from './stack';

export interface DeliveryStep {
  targetRate: number;
  achievedRate: number;
  ended: number;
  exported: number;
  failed: number;
  dropped: number;
  received: number;
}

/**
 * Steady rates of GET /api/products with the SDK's default batch settings: spans the services ended
 * versus spans the collector received. The services' own counts come from the line the tracing
 * package prints at shutdown.
 */
export async function delivery(collector: FakeCollector, s: Settings, log: (line: string) => void): Promise<DeliveryStep[]> {
  const steps: DeliveryStep[] = [];
  for (const rate of s.deliveryRates) {
    collector.clear();
    const { stack, lines } = await start(true, collector.endpoint);
    let achieved = 0;
    try {
      achieved = (await load(stack.urls.gateway, ENDPOINTS[0], s.deliverySeconds, Math.max(10, Math.ceil(rate / 10)), rate)).rps;
      // Let requests still in flight when the load stopped finish: spans that end after the SDK shut
      // down are lost (and counted as such), which would blame the exporter for the harness.
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await stack.stop();
    }
    await new Promise((r) => setTimeout(r, 500));
    const totals = spanTotals(lines);
    const step = { targetRate: rate, achievedRate: achieved, ...totals, dropped: totals.ended - totals.exported - totals.failed, received: collector.spanCount };
    log(`  ${rate} req/s: achieved ${achieved.toFixed(0)}, spans ended ${step.ended}, received ${step.received}, dropped ${step.dropped}`);
    steps.push(step);
  }
  return steps;
}

/** Highest target rate that the machine reached (≥ 95%) with no span lost. */
export function highestLossless(steps: DeliveryStep[]): DeliveryStep | undefined {
  return steps.filter((s) => s.dropped === 0 && s.failed === 0 && s.received === s.ended && s.achievedRate >= 0.95 * s.targetRate).at(-1);
}
