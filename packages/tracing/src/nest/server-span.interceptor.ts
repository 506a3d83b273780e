import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { tap, type Observable } from 'rxjs';

/** Where each HTTP adapter keeps the template of the route that matched. */
interface RoutedRequest {
  /** Express: the matched route (Nest registers each one, global prefix included, on the app's router). */
  route?: { path?: unknown };
  /** Fastify. */
  routeOptions?: { url?: unknown };
}

/**
 * What the Nest handler spans of instrumentation-nestjs-core used to give, put on the request's
 * SERVER span instead (those spans are opt-in; see README "What gets traced"):
 * - its name and `http.route` from the route template, "GET /api/orders/:id", through the RPC
 *   metadata instrumentation-http reads when the answer is sent (the mechanism instrumentation-express
 *   uses, without its hooks on every middleware). Interceptors run before pipes, so a request a pipe
 *   rejects (a 400) is named too; one no route matched (a 404) keeps the bare method, as the
 *   conventions ask.
 * - an `exception` event (type, message, stack) for whatever the handler, or a pipe, threw. The
 *   status is left to instrumentation-http: ERROR for a 5xx answer only.
 */
@Injectable()
export class ServerSpanInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Set by instrumentation-http for the request it is serving; absent when that one is disabled.
    const metadata = execution.getType() === 'http' ? getRPCMetadata(context.active()) : undefined;
    if (metadata?.type !== RPCType.HTTP) return next.handle();
    const req = execution.switchToHttp().getRequest<RoutedRequest>();
    const template = req.route?.path ?? req.routeOptions?.url;
    if (typeof template === 'string') metadata.route = template;
    // The SERVER span itself, not the active span: with Nest handler spans on, those record the
    // exception themselves.
    const server = metadata.span;
    return next.handle().pipe(tap({ error: (error: unknown) => server.recordException(error instanceof Error ? error : String(error)) }));
  }
}
