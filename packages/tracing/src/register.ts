/**
 * `node --require @tracelab/tracing/register dist/main.js`: starts tracing before the application
 * loads anything, configured only by OTEL_* variables.
 */
import { startTracing } from './start';

// Exception events carry `error.stack`: with source maps on, its frames name the .ts file and line
// (the .js.map files beside dist/), not the compiled JavaScript. Only modules loaded from here on are
// mapped, which is every module of the application. Node maps a stack only when it is first read,
// so a request that throws nothing pays nothing. Node's own --no-enable-source-maps keeps them off.
const sourceMapsRefused = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--no-enable-source-maps');
if (!sourceMapsRefused) process.setSourceMapsEnabled(true);

const handle = startTracing();

// Flush what is left when the event loop empties; never exit the process ourselves.
process.once('beforeExit', () => {
  void handle.shutdown();
});
