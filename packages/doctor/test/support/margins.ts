// How close traffic comes to each threshold: the detectors run with every bar lowered to (almost)
// nothing, and the strongest candidate of each kind is reported. Healthy traffic's numbers, next to
// a scenario's, are the measurements the thresholds in src/thresholds.ts were chosen from.
import { analyse, DEFAULT_THRESHOLDS, type Span, type Thresholds } from '../../src/index';
import { readOtlp } from '../../src/input/otlp';

export const RELAXED: Thresholds = {
  nPlusOne: { minRepeats: 2, minTotalMs: 0 },
  slowQuery: { minShare: 0, minMs: DEFAULT_THRESHOLDS.slowQuery.minMs },
  lockWait: { minWaiters: 1, minWaitMs: 1, grantSlackMs: DEFAULT_THRESHOLDS.lockWait.grantSlackMs },
  poolWait: { ...DEFAULT_THRESHOLDS.poolWait, minShare: 0, minWaiting: 1 },
  sequential: { minCalls: 2, minSavedMs: 0, minShare: 0, overlapSlackMs: DEFAULT_THRESHOLDS.sequential.overlapSlackMs },
  retries: { minAttempts: 2 },
};

export interface Margin {
  kind: string;
  /** The strongest candidate: its cost, critical-path share and size (repeats, queue length, calls). */
  costMs: number;
  share: number;
  size: number;
}

/** The strongest candidate per kind (one occurrence, not a group), under {@link RELAXED} thresholds. */
export function margins(spans: Span[]): Margin[] {
  const { occurrences } = analyse(spans, RELAXED);
  const best = new Map<string, Margin>();
  for (const o of occurrences) {
    // Sizes that thresholds bound: the queue for waits, the statement's median share for slow queries.
    const queue = /queue of (\d+)|(\d+) requests waiting at once/.exec(o.evidence.join(' '));
    const median = /median over \d+ run\(s\): (\d+)%/.exec(o.evidence.join(' '));
    const size = queue ? Number(queue[1] ?? queue[2]) : o.spanIds.length;
    const m = { kind: o.kind, costMs: o.costMs, share: median ? Number(median[1]) / 100 : o.criticalPathShare, size };
    const prev = best.get(o.kind);
    if (!prev || m.share > prev.share || (m.share === prev.share && m.costMs > prev.costMs)) best.set(o.kind, m);
  }
  return [...best.values()];
}

export const describeMargins = (list: Margin[]) =>
  list
    .sort((a, b) => a.kind.localeCompare(b.kind))
    .map((m) => `${m.kind}: ${m.costMs.toFixed(1)} ms, ${(m.share * 100).toFixed(0)}%${m.kind === 'slow-query' ? ' (statement median)' : ''}, ${m.kind.endsWith('wait') ? `queue ${m.size}` : `${m.size} span(s)`}`)
    .join('; ') || 'no candidates';

export const spansOfDocument = (document: unknown) => readOtlp(document, 'lab');
