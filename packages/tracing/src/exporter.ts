import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from './config';

/**
 * OTLP gRPC, the design's transport, unless OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL says
 * `http/protobuf`: the same protobuf bytes over HTTP/1.1 POSTs to `<endpoint>/v1/traces`.
 * bench/README.md measures both under the same batch settings.
 */
export function createExporter(config: ResolvedConfig): SpanExporter {
  if (config.protocol === 'http/protobuf') {
    // The signal-specific variable is the whole URL; the generic one is a base the path is added to.
    const url = config.tracesEndpointIsFull ? config.endpoint : `${config.endpoint.replace(/\/$/, '')}/v1/traces`;
    return new ProtoExporter({ url, timeoutMillis: config.exportTimeoutMillis });
  }
  return new GrpcExporter({ url: config.endpoint, timeoutMillis: config.exportTimeoutMillis });
}
