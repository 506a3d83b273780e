/**
 * The peer row of the lever table: what a user would pick instead of TraceLab's package, stock
 * `@opentelemetry/auto-instrumentations-node/register` with its defaults. Loaded through NODE_OPTIONS,
 * which Node reads before the `--require @tracelab/tracing/register` the services start with; it
 * hands that one a stopped handle (the key startTracing looks for), so only the stock SDK runs.
 */
const HANDLE_KEY = Symbol.for('@tracelab/tracing.handle');
const g = globalThis as typeof globalThis & { [HANDLE_KEY]?: unknown };
if (g[HANDLE_KEY]) throw new Error('peer-register: @tracelab/tracing started first; load this file before it (NODE_OPTIONS)');
g[HANDLE_KEY] = { enabled: false, stats: () => ({ ended: 0, exported: 0, failed: 0 }), flush: async () => true, shutdown: async () => true };
require('@opentelemetry/auto-instrumentations-node/register');
