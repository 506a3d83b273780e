export { startTracing, tracingHandle } from './start';
export type { TracingHandle, TracingOptions } from './types';
export type { SpanStats } from './span-accounting';
export {
  currentSpan,
  currentTraceId,
  getBaggage,
  logEvent,
  recordError,
  setTags,
  withBaggage,
  withSpan,
} from './api';
export { withSpanAttributes } from './context-attributes';
export { registerClientErrors } from './error-policy';
export { TracingModule } from './nest/tracing.module';
export { nestHttpExceptions, type NestHttpException } from './nest/http-exceptions';
export { TraceService } from './nest/trace.service';
export { Traced } from './nest/traced.decorator';
export { traceResponse, traceResponseHeader } from './trace-response';
