import { createServer, type Server as HttpServer } from 'node:http';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { parse, Reader, type Type } from 'protobufjs';
import { EXPORT_PATH, OTLP_TRACE_PROTO } from './otlp-proto';
import { fromOtlp, type OtlpExportRequest } from './otlp-decode';
import type { PlainSpan } from './types';

const root = parse(OTLP_TRACE_PROTO, { keepCase: false }).root;
const RequestType: Type = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const ResponseType: Type = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

export interface FakeCollectorOptions {
  /**
   * "spans" (default) decodes every span for assertions; "count" only counts them while walking the
   * wire format, so that a load test's receiver costs little CPU next to the services it measures.
   */
  mode?: 'spans' | 'count';
  /** Called with the spans of each export call as it arrives ("spans" mode), e.g. to print traces live. */
  onSpans?: (spans: PlainSpan[]) => void;
  /** False: hand spans to `onSpans` without keeping them, for a receiver that runs for hours. @default true */
  keep?: boolean;
  /** `http/protobuf`: OTLP over HTTP (POST /v1/traces) instead of gRPC, for the exporter that speaks it. @default 'grpc' */
  protocol?: 'grpc' | 'http/protobuf';
}

/**
 * A real OTLP/gRPC trace receiver for tests: exporters talk to it exactly as to Jaeger, and it
 * decodes what they send into {@link PlainSpan}s.
 */
export class FakeCollector {
  private readonly received: PlainSpan[] = [];
  /** Spans received so far, in both modes. */
  spanCount = 0;
  private readonly waiters = new Set<() => void>();
  private server?: Server;
  private httpServer?: HttpServer;
  /** Export calls received (one per exported batch). */
  requests = 0;
  port = 0;

  constructor(private readonly options: FakeCollectorOptions = {}) {}

  /** OTLP endpoint to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `host:port`; port 0 picks a free one (read it from {@link port}). */
  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    if (this.options.protocol === 'http/protobuf') return this.startHttp(port, host);
    const server = new Server();
    server.addService(
      {
        Export: {
          path: EXPORT_PATH,
          requestStream: false,
          responseStream: false,
          requestDeserialize: (bytes: Buffer) => bytes,
          requestSerialize: (bytes: Buffer) => bytes,
          responseSerialize: (value: object) => Buffer.from(ResponseType.encode(ResponseType.create(value)).finish()),
          responseDeserialize: (bytes: Buffer) => bytes,
        },
      },
      { Export: (call: ServerUnaryCall<Buffer, object>, done: sendUnaryData<object>) => this.onExport(call.request, done) },
    );
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    this.server = server;
    return this;
  }

  /** Every span received so far, in arrival order. */
  spans(): PlainSpan[] {
    return [...this.received];
  }

  clear(): void {
    this.received.length = 0;
    this.requests = 0;
    this.spanCount = 0;
  }

  /** Resolves with the spans once `predicate` holds; rejects with what arrived after `timeoutMs`. */
  async waitFor(predicate: (spans: PlainSpan[]) => boolean, timeoutMs = 10_000): Promise<PlainSpan[]> {
    if (predicate(this.received)) return this.spans();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.received)) return;
        cleanup();
        resolve(this.spans());
      };
      const timer = setTimeout(() => {
        cleanup();
        const names = this.received.map((s) => `${s.service}:${s.name}`).join(', ');
        reject(new Error(`collector: condition not met in ${timeoutMs} ms; received ${this.received.length} spans: ${names}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** All spans of one trace, once at least `minSpans` of them arrived. */
  waitForTrace(traceId: string, minSpans: number, timeoutMs?: number): Promise<PlainSpan[]> {
    const ofTrace = (spans: PlainSpan[]) => spans.filter((s) => s.traceId === traceId);
    return this.waitFor((spans) => ofTrace(spans).length >= minSpans, timeoutMs).then(ofTrace);
  }

  async stop(): Promise<void> {
    const httpServer = this.httpServer;
    this.httpServer = undefined;
    if (httpServer) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }

  /** OTLP/HTTP with protobuf bodies: the same request message, POSTed to /v1/traces. */
  private async startHttp(port: number, host: string): Promise<this> {
    const empty = Buffer.from(ResponseType.encode(ResponseType.create({})).finish());
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
        this.onExport(Buffer.concat(chunks), (error) => {
          if (error) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error.details));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(empty);
        });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
    this.port = (server.address() as { port: number }).port;
    this.httpServer = server;
    return this;
  }

  private onExport(bytes: Buffer, done: (error: { code: status; details: string } | null, value?: object) => void): void {
    if (this.options.mode === 'count') {
      try {
        this.spanCount += countSpans(bytes);
      } catch (error) {
        done({ code: status.INVALID_ARGUMENT, details: `cannot decode ExportTraceServiceRequest: ${String(error)}` });
        return;
      }
      this.requests++;
      done(null, {});
      return;
    }
    let request: OtlpExportRequest;
    try {
      request = RequestType.toObject(RequestType.decode(bytes), { longs: String, bytes: Buffer, defaults: true }) as OtlpExportRequest;
    } catch (error) {
      done({ code: status.INVALID_ARGUMENT, details: `cannot decode ExportTraceServiceRequest: ${String(error)}` });
      return;
    }
    this.requests++;
    const spans = fromOtlp(request);
    this.spanCount += spans.length;
    if (this.options.keep !== false) this.received.push(...spans);
    done(null, {});
    this.options.onSpans?.(spans);
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Spans in an ExportTraceServiceRequest without decoding them: resource_spans (1) → scope_spans (2)
 * → spans (2), every other field skipped.
 */
function countSpans(bytes: Uint8Array): number {
  const nested = (reader: Reader, field: number, inner: (r: Reader) => number): number => {
    let total = 0;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === field && (tag & 7) === 2) total += inner(Reader.create(reader.bytes()));
      else reader.skipType(tag & 7);
    }
    return total;
  };
  return nested(Reader.create(bytes), 1, (rs) => nested(rs, 2, (ss) => nested(ss, 2, () => 1)));
}
