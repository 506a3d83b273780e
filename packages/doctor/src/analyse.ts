import { criticalPath } from './critical-path';
import type { DetectorContext } from './detectors/context';
import { errorOriginDetector } from './detectors/error-origin';
import { exceptionDetector } from './detectors/exception';
import { lockWait } from './detectors/lock-wait';
import { nPlusOne } from './detectors/n-plus-one';
import { poolWait } from './detectors/pool-wait';
import { retries } from './detectors/retries';
import { sequentialCalls } from './detectors/sequential-calls';
import { slowQuery } from './detectors/slow-query';
import { groupFindings } from './group';
import type { Finding, Occurrence, Span } from './model';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';
import { assembleTraces } from './trace';

export interface Analysis {
  findings: Finding[];
  /** Every occurrence before grouping (one per trace, or per lock queue). */
  occurrences: Occurrence[];
  traces: number;
  spans: number;
  /** What the input lacked or had to be repaired (partial traces, clocks), counted across traces. */
  notes: string[];
  elapsedMs: number;
}

/** Waits run first: a span they explain is not also a slow query or a sequential call. */
const DETECTORS = [lockWait, poolWait, retries, nPlusOne, sequentialCalls, slowQuery, errorOriginDetector, exceptionDetector];

export function analyse(spans: Span[], thresholds: Thresholds = DEFAULT_THRESHOLDS): Analysis {
  const started = performance.now();
  const traces = assembleTraces(spans);
  for (const t of traces) criticalPath(t);
  const context: DetectorContext = { traces, thresholds, explained: new Map() };
  const occurrences = DETECTORS.flatMap((detect) => detect(context));
  const counts = new Map<string, number>();
  for (const t of traces) for (const n of t.notes) counts.set(n, (counts.get(n) ?? 0) + 1);
  const notes = [...counts].map(([note, n]) => `${n} trace(s) ${note}`);
  return { findings: groupFindings(occurrences), occurrences, traces: traces.length, spans: spans.length, notes, elapsedMs: performance.now() - started };
}
