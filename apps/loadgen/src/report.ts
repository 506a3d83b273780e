import type { LoadOptions } from './options';
import type { Row, Stats } from './stats';

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;

/** The one-line live view: elapsed, rate, percentiles, errors. */
export function progressLine(stats: Stats, elapsedSeconds: number): string {
  const all = stats.overall();
  const rate = elapsedSeconds > 0 ? stats.count / elapsedSeconds : 0;
  return (
    `${elapsedSeconds.toFixed(0).padStart(4)}s  ${rate.toFixed(1).padStart(6)} req/s  ` +
    `p50 ${ms(all.p50)}  p95 ${ms(all.p95)}  p99 ${ms(all.p99)}  ` +
    `errors ${stats.errors} (${(stats.errorRate() * 100).toFixed(1)}%)`
  );
}

/** Final summary: a table per journey, then Jaeger links to the slowest and the failed requests. */
export function summary(stats: Stats, options: LoadOptions, elapsedSeconds: number): string {
  const header = '| journey | requests | errors | p50 | p95 | p99 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const line = (r: Row) => `| ${r.name} | ${r.count} | ${r.errors} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} |`;
  const link = (traceId?: string) => (traceId ? `${options.jaegerUrl}/trace/${traceId}` : '(no trace id: the request never got an answer)');
  const out = [
    `${stats.count} requests in ${elapsedSeconds.toFixed(1)} s (${(stats.count / elapsedSeconds).toFixed(1)} req/s), error rate ${(stats.errorRate() * 100).toFixed(2)}%`,
    '',
    header,
    ...stats.rows().map(line),
    line(stats.overall()),
    '',
    'slowest requests:',
    ...stats.slowestRequests().map((o) => `  ${ms(o.millis).padStart(7)}  ${o.journey.padEnd(8)} ${o.status}${o.fault ? ` fault=${o.fault}` : ''}  ${link(o.traceId)}`),
  ];
  if (stats.failed.length) {
    out.push('failed requests (5xx or no answer):');
    out.push(...stats.failed.map((o) => `  ${o.status || o.error}  ${o.journey.padEnd(8)}${o.fault ? ` fault=${o.fault}` : ''}  ${link(o.traceId)}`));
  }
  return out.join('\n');
}
