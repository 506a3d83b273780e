import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/** Where each HTTP adapter keeps the template of the route that matched. */
interface RoutedRequest {
  /** Express: the matched route (Nest registers each one, global prefix included, on the app's router). */
  route?: { path?: unknown };
  /** Fastify. */
  routeOptions?: { url?: unknown };
}

/**
 * Names the request's SERVER span by its route template, "GET /api/orders/:id", and sets
 * `http.route`, through the RPC metadata instrumentation-http reads when the answer is sent (the
 * mechanism instrumentation-express uses, without its hooks on every middleware). A guard, not an
 * interceptor: guards run before interceptors and pipes, so a request a pipe rejects (a 400) is
 * named too, and allowing everything costs no observable. Requests no route matched (404) keep the
 * bare method, as the conventions ask.
 */
@Injectable()
export class RouteNameGuard implements CanActivate {
  canActivate(execution: ExecutionContext): boolean {
    if (execution.getType() !== 'http') return true;
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type !== RPCType.HTTP) return true;
    const req = execution.switchToHttp().getRequest<RoutedRequest>();
    const template = req.route?.path ?? req.routeOptions?.url;
    if (typeof template === 'string') metadata.route = template;
    return true;
  }
}
