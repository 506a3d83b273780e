// Starts a Jaeger v2 all-in-one binary and waits, bounded, until its health check says it is up.
// Shared by `npm run dev -- --jaeger` and tests/jaeger. Every listener is set here, so a test can
// run on free ports while local mode keeps Jaeger's usual 4317/4318/16686.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { spawnDaemon } from './daemon.mjs';

export const localConfig = fileURLToPath(new URL('./local.yaml', import.meta.url));
/** Layered over local.yaml for the Monitor tab: span metrics out on a port, read back from Prometheus. */
export const spmConfig = fileURLToPath(new URL('./spm.yaml', import.meta.url));
/** Layered over local.yaml: storage keeps every error, every slow trace and a share of the rest. */
export const tailSamplingConfig = fileURLToPath(new URL('./tail-sampling.yaml', import.meta.url));
/** Layered over local.yaml: traces in Badger on disk instead of memory. */
export const badgerConfig = fileURLToPath(new URL('./badger.yaml', import.meta.url));
/** Layered over local.yaml: Jaeger's own otelcol_* metrics on a Prometheus endpoint. */
export const telemetryConfig = fileURLToPath(new URL('./telemetry.yaml', import.meta.url));
export const DEFAULT_SAMPLE_PERCENT = 10;
/** Layered over local.yaml for an ingester: spans from Kafka instead of OTLP (kafka.mjs starts Kafka and the collector). */
export const kafkaIngesterConfig = fileURLToPath(new URL('./kafka-ingester.yaml', import.meta.url));
const kafkaIngesterSpmConfig = fileURLToPath(new URL('./kafka-ingester-spm.yaml', import.meta.url));
export const defaultPorts = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, queryGrpc: 16685, health: 13133 };
const portNames = { otlpGrpc: 'OTLP gRPC', otlpHttp: 'OTLP HTTP', query: 'UI and query API', queryGrpc: 'query gRPC', health: 'health check', spanMetrics: 'span metrics', telemetry: 'Jaeger\'s own metrics' };

/** The --set arguments that put every listener of local.yaml on `host` and `ports`. */
export function endpointArgs(host, ports) {
  return [
    `--set=receivers.otlp.protocols.grpc.endpoint=${host}:${ports.otlpGrpc}`,
    `--set=receivers.otlp.protocols.http.endpoint=${host}:${ports.otlpHttp}`,
    `--set=extensions.jaeger_query.http.endpoint=${host}:${ports.query}`,
    `--set=extensions.jaeger_query.grpc.endpoint=${host}:${ports.queryGrpc}`,
    `--set=extensions.healthcheckv2.http.endpoint=${host}:${ports.health}`,
  ];
}

/**
 * The arguments that add spm.yaml: span metrics served on `host`:`spm.port` (8889 in local mode),
 * the Monitor tab's queries sent to the Prometheus at `spm.prometheusUrl`.
 */
export function spmArgs(host, spm) {
  return [
    `--config=${spmConfig}`,
    `--set=exporters.prometheus.endpoint=${host}:${spm.port}`,
    `--set=extensions.jaeger_storage.metric_backends.some_metrics_storage.prometheus.endpoint=${spm.prometheusUrl}`,
  ];
}

/** The arguments that add tail-sampling.yaml (its share of the rest comes from tailSamplingEnv). */
export function tailSamplingArgs(sampling = {}) {
  return [
    `--config=${tailSamplingConfig}`,
    ...(sampling.decisionWaitMs ? [`--set=processors.tail_sampling.decision_wait=${sampling.decisionWaitMs}ms`] : []),
  ];
}

/** tail-sampling.yaml keeps `percent` of the traces no other policy keeps; a list item, so set through the environment. */
export function tailSamplingEnv(sampling = {}) {
  const percent = sampling.percent ?? DEFAULT_SAMPLE_PERCENT;
  if (!(typeof percent === 'number' && percent >= 0 && percent <= 100)) throw new Error(`sample percent must be a number from 0 to 100, got ${percent}`);
  return { TRACELAB_SAMPLE_PERCENT: String(percent) };
}

/** The arguments that add badger.yaml with its keys and values under `dir` (created by Badger). */
export function badgerArgs(badger) {
  return [
    `--config=${badgerConfig}`,
    `--set=extensions.jaeger_storage.backends.badger_storage.badger.directories.keys=${badger.dir}/keys`,
    `--set=extensions.jaeger_storage.backends.badger_storage.badger.directories.values=${badger.dir}/values`,
    ...(badger.ttl ? [`--set=extensions.jaeger_storage.backends.badger_storage.badger.ttl.spans=${badger.ttl}`] : []),
  ];
}

/** The arguments that add telemetry.yaml: Jaeger's own metrics on `host`:`port`/metrics. */
export function telemetryArgs() {
  return [`--config=${telemetryConfig}`];
}

/** Where telemetry.yaml serves the metrics: a list item, so set through the environment. */
export function telemetryEnv(host, port) {
  return { JAEGER_TELEMETRY_HOST: host, JAEGER_TELEMETRY_PORT: String(port) };
}

/**
 * @param {{ bin: string, host?: string, ports?: Partial<typeof defaultPorts>, args?: string[], uiAssets?: string,
 *   maxTraces?: number, spm?: { port: number, prometheusUrl: string }, onLine?: (line: string) => void,
 *   tailSampling?: { percent?: number, decisionWaitMs?: number }, badger?: { dir: string, ttl?: string },
 *   telemetryPort?: number, kafka?: { brokers: string }, configs?: string[], readyTimeoutMs?: number, env?: NodeJS.ProcessEnv }} options
 *   `kafka`: run as an ingester reading spans from those brokers; its OTLP ports stay closed (the collector has them).
 *   `configs`: more configuration files (or `yaml:` snippets), layered last.
 *   `args` replaces the configuration arguments (default: local.yaml, the endpoints, the storage bound,
 *   and spm.yaml, tail-sampling.yaml, badger.yaml, telemetry.yaml when their options are given).
 */
export async function startJaeger(options) {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...defaultPorts, ...options.ports };
  const args = options.args ?? [
    `--config=${localConfig}`,
    ...endpointArgs(host, ports),
    `--set=extensions.jaeger_storage.backends.some_storage.memory.max_traces=${options.maxTraces ?? 20000}`,
    ...(options.spm ? spmArgs(host, options.spm) : []),
    ...(options.tailSampling ? tailSamplingArgs(options.tailSampling) : []),
    ...(options.badger ? badgerArgs(options.badger) : []),
    ...(options.telemetryPort ? telemetryArgs() : []),
    ...(options.kafka ? [`--config=${kafkaIngesterConfig}`, `--set=receivers.kafka.brokers=[${options.kafka.brokers}]`] : []),
    ...(options.kafka && options.spm ? [`--config=${kafkaIngesterSpmConfig}`] : []),
    ...(options.configs ?? []).map((config) => `--config=${config}`),
  ];
  const env = {
    ...(options.env ?? process.env),
    ...(options.tailSampling ? tailSamplingEnv(options.tailSampling) : {}),
    ...(options.telemetryPort ? telemetryEnv(host, options.telemetryPort) : {}),
  };
  if (!options.args) {
    const listening = {
      ...ports,
      ...(options.spm ? { spanMetrics: options.spm.port } : {}),
      ...(options.telemetryPort ? { telemetry: options.telemetryPort } : {}),
    };
    if (options.kafka) {
      delete listening.otlpGrpc;
      delete listening.otlpHttp;
    }
    for (const [key, port] of Object.entries(listening)) {
      if (!(await portFree(host, port))) throw new Error(`port ${port} (${portNames[key]}) on ${host} is already in use; is another Jaeger running?`);
    }
  }
  if (options.uiAssets) args.push(`--set=extensions.jaeger_query.ui.assets_path=${options.uiAssets}`);

  const { child, recent, exited, spawnError, stop } = spawnDaemon(options.bin, args, { env, onLine: options.onLine });

  const began = Date.now();
  const healthUrl = `http://${host}:${ports.health}/status`;
  const jaeger = {
    process: child,
    args,
    urls: {
      ui: `http://${localhost(host)}:${ports.query}`,
      otlpGrpc: `http://${localhost(host)}:${ports.otlpGrpc}`,
      otlpHttp: `http://${localhost(host)}:${ports.otlpHttp}`,
      health: healthUrl,
      ...(options.spm ? { spanMetrics: `http://${localhost(host)}:${options.spm.port}/metrics`, prometheus: options.spm.prometheusUrl } : {}),
      ...(options.telemetryPort ? { telemetry: `http://${localhost(host)}:${options.telemetryPort}/metrics` } : {}),
    },
    readyAfterMs: 0,
    log: () => [...recent],
    /** SIGTERM, then SIGKILL after 5 s: a Jaeger that hangs on shutdown must not hang the caller. */
    stop: () => stop(5000),
  };
  const deadline = began + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, spawnError, delay(200).then(() => undefined)]);
    if (early instanceof Error) throw new Error(`cannot run ${options.bin}: ${early.message}`);
    if (early) throw new Error(`Jaeger exited (${early.code ?? early.signal}) before it was up: ${lastError(recent)}`);
    if (await healthy(healthUrl)) {
      jaeger.readyAfterMs = Date.now() - began;
      return jaeger;
    }
  }
  await jaeger.stop();
  throw new Error(`Jaeger did not answer ${healthUrl} within ${options.readyTimeoutMs ?? 30_000} ms: ${lastError(recent)}`);
}

/** True when Jaeger at `uiUrl` serves the placeholder page a build without UI assets has. */
export async function servesPlaceholder(uiUrl) {
  const res = await fetch(uiUrl, { signal: AbortSignal.timeout(3000) });
  return /placeholder for the Jaeger UI/.test(await res.text());
}

async function healthy(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export function portFree(host, port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The line that says why Jaeger stopped: its last error, else its last line. */
function lastError(lines) {
  const line = [...lines].reverse().find((l) => /error|Error|failed/.test(l)) ?? lines.at(-1) ?? '(no output)';
  return line.slice(0, 500);
}

const localhost = (host) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
