import { criticalShare } from '../critical-path';
import { STATUS, type Occurrence, type Span } from '../model';
import { callResource, callTarget, httpStatus, isRemoteCall, resendCount } from '../semconv';
import { push } from '../util';
import { fmt, ms, type Detector } from './context';

/** An attempt that did not succeed: error status, a 5xx/408/429 answer, or no answer at all. */
const failed = (s: Span) => {
  const code = httpStatus(s);
  return s.statusCode === STATUS.ERROR || (code !== undefined && (code >= 500 || code === 408 || code === 429));
};

/**
 * Repeated CLIENT calls to the same resource from one parent, each earlier one failed or timed out
 * (or the later ones carry `http.request.resend_count`). Costs the time from the first attempt to
 * the last one's start: what the failed attempts and the back-off took.
 */
export const retries: Detector = ({ traces, thresholds }) => {
  const { minAttempts } = thresholds.retries;
  const found: Occurrence[] = [];
  for (const trace of traces) {
    for (const parent of trace.spans) {
      const byResource = new Map<string, Span[]>();
      for (const c of parent.children) {
        if (!isRemoteCall(c)) continue;
        const key = callResource(c);
        push(byResource, key, c);
      }
      for (const attempts of byResource.values()) {
        if (attempts.length < minAttempts) continue;
        const earlier = attempts.slice(0, -1);
        const resent = attempts.slice(1).some((s) => (resendCount(s) ?? 0) > 0);
        if (!resent && !earlier.every(failed)) continue;
        const last = attempts[attempts.length - 1];
        const lostUs = last.startUs - attempts[0].startUs;
        found.push({
          kind: 'retries',
          traceIds: [trace.traceId],
          spanIds: attempts.map((s) => s.spanId),
          costMs: ms(lostUs),
          criticalPathShare: criticalShare(trace, earlier),
          where: `${parent.service} → ${callTarget(last)}`,
          hint: 'the callee is slower than the caller\'s timeout: fix the callee or raise the timeout above its p99; retry only idempotent calls, with back-off and a budget',
          evidence: [
            `${attempts.length} attempts, ${earlier.filter(failed).length} failed (${reasons(earlier)}), last ${failed(last) ? 'failed too' : 'succeeded'}; ${fmt(ms(lostUs))} lost before the last attempt`,
          ],
        });
      }
    }
  }
  return found;
};

/** "HTTP 503 ×2; timeout": each distinct reason once, with its count. */
function reasons(spans: Span[]): string {
  const counts = new Map<string, number>();
  for (const s of spans.filter(failed)) {
    const why = s.statusMessage ?? (httpStatus(s) ? `HTTP ${httpStatus(s)}` : 'error');
    counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  return [...counts].map(([why, n]) => (n > 1 ? `${why} ×${n}` : why)).join('; ');
}
