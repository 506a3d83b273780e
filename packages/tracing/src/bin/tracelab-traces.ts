#!/usr/bin/env node
/**
 * `npx tracelab-traces --port 4317`: an OTLP/gRPC trace receiver that prints each trace as an
 * indented tree when it completes, for checking a service's tracing without Jaeger.
 */
import { parseArgs } from 'node:util';
import { FakeCollector } from '../testing/fake-collector';
import { formatTrace, TraceAssembler } from '../testing/trace-assembler';

const USAGE = `usage: tracelab-traces [--port 4317] [--host 127.0.0.1] [--quiet-ms 1500]
  Receives OTLP/gRPC traces and prints each one as a tree once no span of it arrived for --quiet-ms.
  Point services at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://<host>:<port>; OTEL_BSP_SCHEDULE_DELAY=200
  makes traces appear sooner. --port 0 picks a free port. --host 0.0.0.0 accepts spans from containers.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4317' },
      host: { type: 'string', default: '127.0.0.1' },
      'quiet-ms': { type: 'string', default: '1500' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = Number(values.port);
  const quietMillis = Number(values['quiet-ms']);
  if (values.help || !Number.isInteger(port) || port < 0 || port > 65535 || !(quietMillis >= 0)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const assembler = new TraceAssembler((trace) => process.stdout.write(formatTrace(trace)), quietMillis);
  const collector = new FakeCollector({ keep: false, onSpans: (spans) => assembler.add(spans) });
  try {
    await collector.start(port, values.host);
  } catch (error) {
    process.stderr.write(`tracelab-traces: cannot listen on ${values.host}:${port}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `tracelab-traces: receiving OTLP/gRPC on ${values.host}:${collector.port}; ` +
      `set OTEL_EXPORTER_OTLP_ENDPOINT=http://${values.host === '0.0.0.0' ? '127.0.0.1' : values.host}:${collector.port}\n`,
  );
  const stop = () => {
    assembler.flush();
    void collector.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
