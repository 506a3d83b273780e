// Child process for register.test.ts: loaded with `--require <register>`, it makes one span (and,
// with TEST_PG_URL, one pg query) and shuts tracing down, printing what it measured as JSON.
import { trace } from '@opentelemetry/api';
import { tracingHandle, startTracing } from '../start';

async function main() {
  const handle = tracingHandle();
  const again = startTracing();
  const result: Record<string, unknown> = { enabled: handle?.enabled ?? false, sameHandle: handle === again };
  await trace.getTracer('fixture').startActiveSpan('fixture-span', async (span) => {
    span.setAttribute('fixture.attr', 'yes');
    if (process.env.TEST_PG_URL) {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: process.env.TEST_PG_URL });
      await client.connect();
      const { rows } = await client.query('SELECT current_query() AS q, $1::text AS secret', ['hunter2']);
      result.queryAsServerSawIt = rows[0].q;
      await client.end();
    }
    result.traceId = span.spanContext().traceId;
    span.end();
  });
  const started = Date.now();
  result.flushed = await handle?.shutdown();
  result.shutdownMillis = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
