import { trace } from '@opentelemetry/api';

/**
 * W3C Trace Context Level 2 `traceresponse` value for the active span ("00-<trace>-<span>-<flags>"),
 * so a client can paste the trace id into Jaeger. Undefined outside a trace.
 */
export function traceResponseHeader(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return undefined;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Express/Nest middleware: every response carries `traceresponse`, so a client (or the load
 * generator) can open the request's trace in Jaeger. Set before the handler so errors carry it too.
 */
export function traceResponse(_req: unknown, res: { setHeader(name: string, value: string): unknown }, next: () => void): void {
  const value = traceResponseHeader();
  if (value) res.setHeader('traceresponse', value);
  next();
}
