/**
 * `node --require @tracelab/tracing/register dist/main.js`: starts tracing before the application
 * loads anything, configured only by OTEL_* variables.
 */
import { startTracing } from './start';

const handle = startTracing();

// Flush what is left when the event loop empties; never exit the process ourselves.
process.once('beforeExit', () => {
  void handle.shutdown();
});
