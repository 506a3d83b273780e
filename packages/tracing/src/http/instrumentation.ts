import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, suppressTracing, type RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { clientAttributes, clientResponseAttributes, serverAttributes } from './attributes';

export interface DiagnosticsHttpConfig extends InstrumentationConfig {
  /** True for a request that gets no span; its handler runs with tracing suppressed, as upstream does. */
  ignoreIncomingRequest?: (request: IncomingMessage) => boolean;
}

/** What one request carries, on each of its emitters (request and response). */
interface Exchange {
  kind: SpanKind.SERVER | SpanKind.CLIENT;
  /** The context its events run in: the SERVER span's, or the caller's for a CLIENT request. */
  ctx: Context;
  span?: Span;
  rpc?: RPCMetadata;
  request: IncomingMessage | ClientRequest;
  ended: boolean;
}

const EXCHANGE = Symbol('tracelab.http.exchange');
type Carrier = { [EXCHANGE]?: Exchange };

/**
 * HTTP SERVER and CLIENT spans from the channels Node 24 publishes (`http.server.request.start`,
 * `http.server.response.finish`, `http.client.request.created`, `http.client.response.finish`),
 * with the names, kinds, statuses and attributes of @opentelemetry/instrumentation-http, which stays
 * one variable away (TRACING_HTTP_INSTRUMENTATION=upstream).
 *
 * Why not upstream: per request it runs the handler in `context.with` and then binds every listener
 * of the request and the response (a wrapper and a `context.with` per listener, added or called).
 * Here the context is extracted once and entered once (`context.attach`, for the rest of the parser
 * callback that calls the handler; Node restores the previous context when that callback returns),
 * and the request's events are emitted in it by one prototype-level `emit` that switches context
 * only when the emitting code runs in another (a body chunk read in a later socket callback).
 * Same scope name as upstream: the spans are the ones people query by it; the version says which.
 */
export class DiagnosticsHttpInstrumentation extends InstrumentationBase<DiagnosticsHttpConfig> {
  private readonly originalEmits = new Map<object, (...args: unknown[]) => boolean>();

  constructor(config: DiagnosticsHttpConfig = {}) {
    super('@opentelemetry/instrumentation-http', '0.300.0-tracelab.diagnostics-channel', config);
    // The base constructor's enable() ran before this class's fields existed, so it did nothing.
    if (config.enabled !== false) this.enable();
  }

  protected init() {
    return [];
  }

  override enable(): void {
    if (!this.originalEmits || this.originalEmits.size > 0) return;
    subscribe('http.server.request.start', this.onServerStart);
    subscribe('http.server.response.finish', this.onServerFinish);
    subscribe('http.client.request.created', this.onClientCreated);
    subscribe('http.client.response.finish', this.onClientResponse);
    for (const proto of [http.IncomingMessage.prototype, http.OutgoingMessage.prototype]) this.patchEmit(proto);
  }

  override disable(): void {
    if (!this.originalEmits) return;
    unsubscribe('http.server.request.start', this.onServerStart);
    unsubscribe('http.server.response.finish', this.onServerFinish);
    unsubscribe('http.client.request.created', this.onClientCreated);
    unsubscribe('http.client.response.finish', this.onClientResponse);
    for (const [proto, emit] of this.originalEmits) (proto as { emit: unknown }).emit = emit;
    this.originalEmits.clear();
  }

  private readonly onServerStart = (message: unknown): void => {
    const { request, response } = message as { request: IncomingMessage & Carrier; response: ServerResponse & Carrier };
    if (this.getConfig().ignoreIncomingRequest?.(request)) {
      const ctx = suppressTracing(context.active());
      request[EXCHANGE] = response[EXCHANGE] = { kind: SpanKind.SERVER, ctx, request, ended: true };
      context.attach(ctx);
      return;
    }
    const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const { attributes, method } = serverAttributes(request, scheme);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = this.tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
    // TracingModule's interceptor writes the route template here; it names the span at the end.
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ctx = setRPCMetadata(trace.setSpan(parent, span), rpc);
    request[EXCHANGE] = response[EXCHANGE] = { kind: SpanKind.SERVER, ctx, span, rpc, request, ended: false };
    context.attach(ctx);
  };

  private readonly onServerFinish = (message: unknown): void => {
    const { response } = message as { response: ServerResponse & Carrier };
    const exchange = response[EXCHANGE];
    if (exchange) endServer(exchange, response);
  };

  private readonly onClientCreated = (message: unknown): void => {
    const { request } = message as { request: ClientRequest & Carrier };
    const parent = context.active();
    const active = trace.getSpan(parent);
    // Outgoing HTTP with no active span is background noise (e.g. a readiness probe's own calls):
    // upstream's requireParentforOutgoingSpans, which TraceLab sets.
    if (!active || !trace.isSpanContextValid(active.spanContext())) return;
    const span = this.tracer.startSpan(request.method, { kind: SpanKind.CLIENT, attributes: clientAttributes(request) }, parent);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    for (const name in carrier) request.setHeader(name, carrier[name]);
    request[EXCHANGE] = { kind: SpanKind.CLIENT, ctx: parent, span, request, ended: false };
  };

  private readonly onClientResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest & Carrier; response: IncomingMessage & Carrier };
    const exchange = request[EXCHANGE];
    if (!exchange?.span) return;
    exchange.span.setAttributes(clientResponseAttributes(response));
    response[EXCHANGE] = exchange;
  };

  /**
   * One `emit` for every request and response: the events of a traced one run in its context (what
   * upstream gets by wrapping each listener), and the ones that end a span end it.
   */
  private patchEmit(proto: object): void {
    const original = (proto as { emit: (...args: unknown[]) => boolean }).emit;
    this.originalEmits.set(proto, original);
    (proto as { emit: unknown }).emit = function emit(this: Carrier & (IncomingMessage | ClientRequest | ServerResponse), event: string | symbol, ...args: unknown[]) {
      const exchange = this[EXCHANGE];
      if (exchange === undefined) return original.call(this, event, ...args);
      if (!exchange.ended) onEvent(exchange, this, event, args[0]);
      if (context.active() === exchange.ctx) return original.call(this, event, ...args);
      return context.with(exchange.ctx, () => original.call(this, event, ...args));
    };
  }
}

/** The events that end a span, seen before any listener, as upstream's `errorMonitor` listeners see them. */
function onEvent(exchange: Exchange, emitter: object, event: string | symbol, arg: unknown): void {
  if (exchange.kind === SpanKind.SERVER) {
    if (emitter === exchange.request) return;
    if (event === 'error') endWithError(exchange, arg as Error);
    // An answer the client did not wait for: upstream ends the span at `close` with the status set so far.
    else if (event === 'close') endServer(exchange, emitter as ServerResponse);
    return;
  }
  if (event === 'error') endWithError(exchange, arg as Error);
  else if (emitter !== exchange.request && event === 'end') endClient(exchange, emitter as IncomingMessage);
  // No response (yet): upstream ends the span without a status, unless the request was aborted.
  else if (emitter === exchange.request && event === 'close' && !(emitter as ClientRequest).aborted) end(exchange);
}

function endServer(exchange: Exchange, response: ServerResponse): void {
  if (exchange.ended || !exchange.span) return;
  const span = exchange.span;
  const status = response.statusCode;
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  const route = exchange.rpc?.route;
  if (route !== undefined) span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.setStatus({ code: status >= 100 && status < 500 ? SpanStatusCode.UNSET : SpanStatusCode.ERROR });
  if (status >= 500 && status < 600) span.setAttribute(ATTR_ERROR_TYPE, String(status));
  if (route) span.updateName(`${(exchange.request as IncomingMessage).method || 'GET'} ${route}`);
  end(exchange);
}

function endClient(exchange: Exchange, response: IncomingMessage): void {
  const span = exchange.span!;
  const status = response.statusCode;
  if (response.aborted && !response.complete) span.setStatus({ code: SpanStatusCode.ERROR });
  else {
    span.setStatus({ code: status && status >= 100 && status < 400 ? SpanStatusCode.UNSET : SpanStatusCode.ERROR });
    if (status !== undefined && status >= 400 && status < 600) span.setAttribute(ATTR_ERROR_TYPE, String(status));
  }
  end(exchange);
}

function endWithError(exchange: Exchange, error: Error): void {
  if (!exchange.span) return;
  exchange.span.setAttribute(ATTR_ERROR_TYPE, error.name);
  exchange.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  exchange.span.recordException(error);
  end(exchange);
}

function end(exchange: Exchange): void {
  exchange.ended = true;
  exchange.span?.end();
}
