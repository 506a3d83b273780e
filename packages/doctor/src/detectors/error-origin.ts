import type { Occurrence } from '../model';
import { within } from '../trace';
import { type Detector } from './context';
import { chainOf, errorOrigin, rootCost, thrownHere } from './errors';

/**
 * A request that failed (root span in error or answering 5xx): the deepest failed span with no
 * failed children, and what each hop up to the root turned it into. When that origin is an
 * exception thrown in the service's own code, the `exception` detector reports it instead.
 */
export const errorOriginDetector: Detector = ({ traces, explained }) => {
  const found: Occurrence[] = [];
  for (const trace of traces) {
    const origin = errorOrigin(trace);
    if (!origin || thrownHere(origin)) continue;
    const chain = chainOf(origin);
    // A call that gave up while the callee waited for a lock or a connection: the wait is the cause.
    const wait = trace.spans.find((s) => explained.has(s) && within(s, origin));
    if (wait) {
      const cause = explained.get(wait)!;
      const note = 'requests that timed out while waiting, e.g. chain: ';
      const earlier = cause.evidence.findIndex((e) => e.startsWith(note));
      if (earlier < 0) cause.evidence.push(`${note}${chain.join(' ⇒ ')} (trace ${trace.traceId})`);
      if (!cause.traceIds.includes(trace.traceId)) cause.traceIds.push(trace.traceId);
      continue;
    }
    found.push({
      kind: 'error-origin',
      traceIds: [trace.traceId],
      spanIds: [origin.spanId],
      ...rootCost(trace, origin),
      where: chain[0],
      hint: 'fix the failure where it starts; upstream, map it to an answer the caller can act on (4xx for bad input or conflicts) instead of a generic 5xx',
      evidence: [`chain: ${chain.join(' ⇒ ')}`, ...(origin.statusMessage ? [`message: ${origin.statusMessage.slice(0, 200)}`] : [])],
    });
  }
  return found;
};
