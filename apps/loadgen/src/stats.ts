import { build, type Histogram } from 'hdr-histogram-js';
import type { Journey } from './options';

export interface Outcome {
  journey: Journey;
  /** HTTP status, or 0 when the request failed (network error, timeout). */
  status: number;
  millis: number;
  traceId?: string;
  fault?: string;
  error?: string;
}

export interface Row {
  name: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** 5xx and failed requests are errors; 4xx are answers (bad input, out of stock). */
export const isError = (o: Outcome) => o.status === 0 || o.status >= 500;

const histogram = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

/** Latency percentiles (HdrHistogram, microsecond resolution) per journey and overall. */
export class Stats {
  private readonly all = histogram();
  private readonly byJourney = new Map<Journey, { h: Histogram; errors: number }>();
  private readonly slowest: Outcome[] = [];
  readonly failed: Outcome[] = [];
  count = 0;
  errors = 0;

  record(o: Outcome): void {
    const micros = Math.max(1, Math.round(o.millis * 1000));
    this.all.recordValue(micros);
    let j = this.byJourney.get(o.journey);
    if (!j) this.byJourney.set(o.journey, (j = { h: histogram(), errors: 0 }));
    j.h.recordValue(micros);
    this.count++;
    if (isError(o)) {
      this.errors++;
      j.errors++;
      if (this.failed.length < 10) this.failed.push(o);
    }
    if (o.traceId) {
      this.slowest.push(o);
      this.slowest.sort((a, b) => b.millis - a.millis);
      this.slowest.length = Math.min(this.slowest.length, 5);
    }
  }

  slowestRequests(): Outcome[] {
    return [...this.slowest];
  }

  overall(): Row {
    return row('all', this.all, this.errors);
  }

  rows(): Row[] {
    return [...this.byJourney.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, j]) => row(name, j.h, j.errors));
  }

  errorRate(): number {
    return this.count === 0 ? 0 : this.errors / this.count;
  }
}

function row(name: string, h: Histogram, errors: number): Row {
  const ms = (micros: number) => micros / 1000;
  return {
    name,
    count: h.totalCount,
    errors,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}
