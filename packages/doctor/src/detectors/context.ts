import type { Occurrence, Span, Trace } from '../model';
import type { Thresholds } from '../thresholds';

/** What every detector gets: the traces, the thresholds, and spans an earlier detector already explained. */
export interface DetectorContext {
  traces: Trace[];
  thresholds: Thresholds;
  /**
   * Spans a wait detector already explained, with its occurrence: a lock or pool wait is not also a
   * slow query, and a request that timed out behind it is evidence of the wait, not a new finding.
   */
  explained: Map<Span, Occurrence>;
}

export type Detector = (context: DetectorContext) => Occurrence[];

export const ms = (us: number) => us / 1000;
export const fmt = (milliseconds: number) => `${milliseconds < 10 ? milliseconds.toFixed(1) : Math.round(milliseconds)} ms`;
