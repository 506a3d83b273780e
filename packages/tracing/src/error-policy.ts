import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  EVENT_CLIENT_ERROR,
  EVENT_EXCEPTION,
  NEST_INSTRUMENTATION_SCOPE,
  UNDICI_INSTRUMENTATION_SCOPE,
} from './attributes';
import { TRACER_NAME } from './api';

/** Spans that stand for application code: Nest handlers, and `@Traced()` / `withSpan` spans of this package. */
const HANDLER_SCOPES = new Set([NEST_INSTRUMENTATION_SCOPE, TRACER_NAME]);

const clientErrorTypes = new Set<string>();

/**
 * Names exception classes that mean "the caller made a mistake" (4xx). A Nest handler span, or a
 * `@Traced()` / `withSpan` span, that ends with one of them keeps its exception event but not the ERROR status. The Nest module registers
 * every 4xx exception of `@nestjs/common`; register your own subclasses here.
 */
export function registerClientErrors(...types: Array<string | (abstract new (...args: never[]) => Error)>): void {
  for (const t of types) clientErrorTypes.add(typeof t === 'string' ? t : t.name);
}

export function isClientErrorType(name: unknown): boolean {
  return typeof name === 'string' && clientErrorTypes.has(name);
}

/**
 * TraceLab's error policy, which departs from the HTTP semantic conventions on purpose (see README
 * "Errors"): a CLIENT span answered 4xx, which the conventions mark ERROR, becomes an
 * `http.client_error` event instead (unless `clientErrorsAreErrors`), because downstream 4xx are
 * business answers; a fetch that got no answer (aborted, timed out) is ERROR even when undici's
 * instrumentation left it unset; a Nest handler or `@Traced()` span that threw a registered client error is not ERROR either.
 * Runs in `onEnding`, the last moment a span can still change.
 */
export class ErrorPolicySpanProcessor implements SpanProcessor {
  constructor(private readonly clientErrorsAreErrors = false) {}

  onStart(_span: Span, _context: Context): void {}

  onEnding(span: Span): void {
    if (span.kind === SpanKind.CLIENT && span.instrumentationScope.name === UNDICI_INSTRUMENTATION_SCOPE) markUnanswered(span);
    if (span.status.code !== SpanStatusCode.ERROR) return;
    const status = span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
    if (span.kind === SpanKind.CLIENT && typeof status === 'number' && status >= 400 && status < 500) {
      if (this.clientErrorsAreErrors) return;
      clearError(span);
      span.addEvent(EVENT_CLIENT_ERROR, { [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
      return;
    }
    if (HANDLER_SCOPES.has(span.instrumentationScope.name)) {
      const thrown = span.events.filter((e) => e.name === EVENT_EXCEPTION).at(-1);
      if (thrown && isClientErrorType(thrown.attributes?.[ATTR_EXCEPTION_TYPE])) {
        clearError(span);
      }
    }
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

/**
 * A fetch given up before any answer (the caller's AbortController, a deadline) is a failed call,
 * but instrumentation-undici ends it without a status when the error is named AbortError, so a
 * timed-out attempt looked like a success in Jaeger (a deadline's TimeoutError it does mark ERROR).
 * Only that path ends an undici span with neither a status nor a response code.
 */
function markUnanswered(span: Span): void {
  if (span.status.code !== SpanStatusCode.UNSET || span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] !== undefined) return;
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted before a response' });
  span.setAttribute(ATTR_ERROR_TYPE, 'AbortError');
}

/**
 * The API ignores setStatus(UNSET) by design (instrumentation must not hide errors). This processor
 * is the SDK pipeline applying a convention before export, as a collector's transform would.
 */
function clearError(span: Span): void {
  (span as { status: Span['status'] }).status = { code: SpanStatusCode.UNSET };
}
