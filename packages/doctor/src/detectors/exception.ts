import type { Occurrence, Span } from '../model';
import { topFrame } from '../semconv';
import { type Detector } from './context';
import { chainOf, errorOrigin, isError, rootCost, thrownHere } from './errors';

/**
 * Exceptions thrown in a service's own code that made a span fail: the exception event's type,
 * message and top stack frame, with the chain up to the root when the request failed. Exceptions
 * recorded on spans that ended well were handled, and stay out.
 */
export const exceptionDetector: Detector = ({ traces }) => {
  const found: Occurrence[] = [];
  for (const trace of traces) {
    const origin = errorOrigin(trace);
    const throwers: Span[] = origin ? (thrownHere(origin) ? [origin] : []) : trace.spans.filter((s) => isError(s) && !s.children.some(isError) && thrownHere(s));
    for (const s of throwers) {
      const event = s.events.find((e) => e.name === 'exception')!;
      const type = String(event.attributes['exception.type'] ?? 'exception');
      const message = String(event.attributes['exception.message'] ?? '').slice(0, 200);
      const frame = topFrame(event.attributes['exception.stacktrace'] as string | undefined);
      const cost = origin ? rootCost(trace, s) : { costMs: (s.endUs - s.startUs) / 1000, criticalPathShare: 0 };
      found.push({
        kind: 'exception',
        traceIds: [trace.traceId],
        spanIds: [s.spanId],
        ...cost,
        where: `${s.service}: ${type}${frame ? ` ${frame}` : ` in "${s.name}"`}`,
        hint: 'a bug in this service\'s code: read the stack frame; guard the missing value or validate input before use',
        evidence: [`${type}: ${message}`, ...(origin ? [`chain: ${chainOf(s).join(' ⇒ ')}`] : [])],
      });
    }
  }
  return found;
};
