import { criticalShare } from '../critical-path';
import { durationUs, KIND, STATUS, type Span, type Trace } from '../model';
import { dbStatement, dbSystem, httpStatus, isDb } from '../semconv';

const dbSystemName = (s: Span) => dbSystem(s) ?? 'db';
import { shortStatement, statementShape } from '../sql';

/** A span that failed: error status, or a SERVER span that answered 5xx. */
export const isError = (s: Span) => s.statusCode === STATUS.ERROR || (s.kind === KIND.SERVER && (httpStatus(s) ?? 0) >= 500);

/** The deepest failed span with no failed children, under the topmost failed span of the trace. */
export function errorOrigin(trace: Trace): Span | undefined {
  if (!isError(trace.root)) return undefined;
  let origin: Span | undefined;
  for (const s of trace.spans) {
    if (!isError(s) || s.children.some(isError)) continue;
    if (!origin || s.depth > origin.depth || (s.depth === origin.depth && s.endUs < origin.endUs)) origin = s;
  }
  return origin;
}

/** What one hop turned the failure into: HTTP status, DB error code, exception type or status message. */
export function hop(s: Span): string {
  const name = isDb(s) && dbStatement(s) ? shortStatement(statementShape(dbStatement(s)!), 60) : s.name;
  return `${s.service} "${name}" → ${outcome(s)}`;
}

function outcome(s: Span): string {
  const code = httpStatus(s);
  if (code) return `HTTP ${code}`;
  const dbCode = s.attributes['db.response.status_code'];
  if (dbCode !== undefined) return `${dbSystemName(s)} error ${String(dbCode)}`;
  const exception = s.events.find((e) => e.name === 'exception');
  const type = String(exception?.attributes['exception.type'] ?? '');
  // Some runtimes put a numeric code in exception.type (a DOMException's 23 is a timeout): the message says more.
  if (type && !/^\d+$/.test(type)) return type;
  const message = s.statusMessage ?? (exception?.attributes['exception.message'] as string | undefined);
  if (message) return `"${withoutValues(message).slice(0, 100)}"`;
  return s.attributes['error.type'] !== undefined ? String(s.attributes['error.type']) : 'error';
}

/** Messages may quote the values that failed: numbers and single-quoted or `(…)=(…)` values become `?`. */
const withoutValues = (message: string) =>
  message
    .replace(/=\([^)]*\)/g, '=(?)')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?');

/** The chain from `origin` up to the root, one hop per failed span. */
export function chainOf(origin: Span): string[] {
  const hops: string[] = [];
  for (let s: Span | undefined = origin; s; s = s.parent) if (isError(s)) hops.push(hop(s));
  return hops;
}

export const rootCost = (trace: Trace, origin: Span) => ({
  costMs: durationUs(trace.root) / 1000,
  criticalPathShare: criticalShare(trace, [origin]),
});

/** The origin threw in the service's own code (not a database or remote call failing): it is an `exception`. */
export const thrownHere = (s: Span) => s.kind !== KIND.CLIENT && !isDb(s) && s.events.some((e) => e.name === 'exception');
