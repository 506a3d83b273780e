// Jaeger for `npm run dev -- --jaeger`: found or built, started on the usual ports with a memory
// bound and a UI, with Prometheus beside it for the Monitor tab (scripts/prometheus), or one line
// saying why not and how to get one; local mode then goes on without it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildPrometheus } from '../prometheus/build.mjs';
import { findPrometheus } from '../prometheus/locate.mjs';
import { defaultPort as prometheusPort, RETENTION, SCRAPE_INTERVAL, startPrometheus } from '../prometheus/start.mjs';
import { buildJaeger } from './build.mjs';
import { findJaeger, uiAssets } from './locate.mjs';
import { kafkaClasspath, kafkaCollectorArgs, startKafka } from './kafka.mjs';
import { defaultPorts, servesPlaceholder, startJaeger } from './start.mjs';

export const howToGetJaeger = `  get one with any of:
    docker run --rm -p 16686:16686 -p 4317:4317 -p 4318:4318 jaegertracing/jaeger:2.12.0   (then plain \`npm run dev\`)
    JAEGER_BIN=/path/to/jaeger npm run dev -- --jaeger    (release binary, github.com/jaegertracing/jaeger/releases)
    npm run jaeger:build                                  (builds it from its Go module; needs Go)`;

const envPort = (name, fallback) => Number(process.env[name] ?? fallback);
const SPAN_METRICS_PORT = 8889; // Jaeger's own config-spm.yaml and the chart's Service "span-metrics"
const prometheusData = fileURLToPath(new URL('../../.tracelab/prometheus', import.meta.url));
const badgerData = fileURLToPath(new URL('../../.tracelab/badger', import.meta.url));
const kafkaData = fileURLToPath(new URL('../../.tracelab/kafka', import.meta.url));

/**
 * Resolves the running Jaeger (its stop() stops Prometheus too), or undefined after printing why and
 * how. Never throws. Without Prometheus, Jaeger still starts, with an empty Monitor tab and a line saying why.
 * `tailSampling` layers tail-sampling.yaml (`percent` of the healthy, fast traces kept); `badger` keeps
 * the traces in .tracelab/badger across restarts instead of in memory. `kafka` puts Kafka between a
 * collector (on the OTLP ports) and the Jaeger that stores and serves the UI (an ingester).
 */
export async function startLocalJaeger({ log = console.log, onLine, tailSampling, badger = false, kafka = false } = {}) {
  let prometheus;
  let broker;
  let collector;
  try {
    let found = findJaeger();
    if ('missing' in found && !process.env.JAEGER_BIN && hasGo()) {
      log(`${found.missing}; building it (a few minutes the first time, seconds once Go's caches are warm)…`);
      await buildJaeger({ log: (line) => log(`  ${line}`) });
      found = findJaeger();
    }
    if ('missing' in found) throw new Error(hasGo() ? found.missing : `${found.missing}, and Go is not installed to build one`);
    prometheus = await startLocalPrometheus(log);
    if (kafka) ({ broker, collector } = await startLocalKafka(found.bin, log, onLine));
    const options = {
      bin: found.bin,
      ports: {
        otlpGrpc: envPort('JAEGER_OTLP_GRPC_PORT', defaultPorts.otlpGrpc),
        otlpHttp: envPort('JAEGER_OTLP_HTTP_PORT', defaultPorts.otlpHttp),
        query: envPort('JAEGER_UI_PORT', defaultPorts.query),
        queryGrpc: envPort('JAEGER_QUERY_GRPC_PORT', defaultPorts.queryGrpc),
        health: envPort('JAEGER_HEALTH_PORT', defaultPorts.health),
      },
      // Bounded like the chart's (helm-values/jaeger.yaml): the oldest traces go first.
      maxTraces: 20000,
      spm: prometheus ? { port: prometheus.spanMetricsPort, prometheusUrl: prometheus.url } : undefined,
      tailSampling,
      badger: badger ? { dir: badgerData } : undefined,
      kafka: broker ? { brokers: broker.brokers } : undefined,
      onLine,
    };
    // Our build serves a placeholder page; a release binary has the UI built in.
    const ui = found.source === 'cache' ? uiAssets(found.ui) : undefined;
    let jaeger = await startJaeger({ ...options, uiAssets: ui });
    let uiNote = ui ? `UI from ${ui}` : 'UI built in';
    if (!ui && (await servesPlaceholder(jaeger.urls.ui).catch(() => false))) {
      const assets = uiAssets();
      if (assets) {
        await jaeger.stop();
        jaeger = await startJaeger({ ...options, uiAssets: assets });
        uiNote = `UI from ${assets}`;
      } else uiNote = 'no UI: this binary has none and ../shared/reference/jaeger-ui is absent';
    }
    log(`Jaeger ${found.version ?? ''} from ${found.source} (${found.bin}) up in ${(jaeger.readyAfterMs / 1000).toFixed(1)} s; ${uiNote}`.replace('  ', ' '));
    if (tailSampling) log(`  tail sampling: keeps every trace with an error, every trace over 100 ms and ${tailSampling.percent ?? 10}% of the rest, decided 10 s after a trace's first span (scripts/jaeger/tail-sampling.yaml); the Monitor tab still counts every span`);
    if (broker) log(`  Kafka ${broker.brokers} (.tracelab/kafka) between a collector on the OTLP ports and this Jaeger, which reads topic jaeger-spans (scripts/jaeger/kafka*.yaml)`);
    if (badger) log(`  storage: Badger in .tracelab/badger (traces survive a restart, kept 72 h; scripts/jaeger/badger.yaml)`);
    const stopJaeger = jaeger.stop;
    return Object.assign(jaeger, {
      prometheus,
      urls: { ...jaeger.urls, ...(collector ? { otlpGrpc: collector.urls.otlpGrpc, otlpHttp: collector.urls.otlpHttp } : {}) },
      async stop() {
        // The collector first: it flushes to Kafka, which the ingester still reads.
        await collector?.stop();
        await stopJaeger();
        await broker?.stop();
        await prometheus?.stop();
      },
    });
  } catch (error) {
    await collector?.stop();
    await broker?.stop();
    await prometheus?.stop();
    log(`Jaeger not started: ${error.message}\n${howToGetJaeger}\n  going on without it, exporting to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4317'} as plain \`npm run dev\` does.`);
    return undefined;
  }
}

/** Kafka (one KRaft node, from Maven) and a Jaeger collector on the usual OTLP ports exporting to it. */
async function startLocalKafka(bin, log, onLine) {
  const resolved = kafkaClasspath({ log });
  if ('missing' in resolved) throw new Error(resolved.missing);
  const broker = await startKafka({ classpath: resolved.classpath, dataDir: kafkaData, port: envPort('KAFKA_PORT', 9092), controllerPort: envPort('KAFKA_CONTROLLER_PORT', 9093) });
  try {
    const ports = {
      otlpGrpc: envPort('JAEGER_OTLP_GRPC_PORT', defaultPorts.otlpGrpc),
      otlpHttp: envPort('JAEGER_OTLP_HTTP_PORT', defaultPorts.otlpHttp),
      health: envPort('JAEGER_COLLECTOR_HEALTH_PORT', 13134),
    };
    const collector = await startJaeger({ bin, ports, args: kafkaCollectorArgs('127.0.0.1', ports, broker.brokers), onLine });
    return { broker, collector };
  } catch (error) {
    await broker.stop();
    throw error;
  }
}

/** Prometheus for the Monitor tab, found or built, or undefined after one line saying why. */
async function startLocalPrometheus(log) {
  try {
    let found = findPrometheus();
    if ('missing' in found && !process.env.PROMETHEUS_BIN && hasGo()) {
      log(`${found.missing}; building it for Jaeger's Monitor tab (about 5 min the first time)…`);
      await buildPrometheus({ log: (line) => log(`  ${line}`) });
      found = findPrometheus();
    }
    if ('missing' in found) throw new Error(hasGo() ? found.missing : `${found.missing}, and Go is not installed to build one`);
    const spanMetricsPort = envPort('JAEGER_SPAN_METRICS_PORT', SPAN_METRICS_PORT);
    const started = await startPrometheus({
      bin: found.bin,
      port: envPort('PROMETHEUS_PORT', prometheusPort),
      dataDir: prometheusData,
      targets: [`127.0.0.1:${spanMetricsPort}`],
      onLine: (line) => /level=(warn|error)/i.test(line) && log(`prometheus | ${line}`),
    });
    log(`Prometheus from ${found.source} (${found.bin}) up in ${(started.readyAfterMs / 1000).toFixed(1)} s at ${started.url}: scrapes Jaeger's span metrics every ${SCRAPE_INTERVAL}, keeps ${RETENTION} in .tracelab/prometheus`);
    return Object.assign(started, { spanMetricsPort });
  } catch (error) {
    log(`Prometheus not started, so Jaeger's Monitor tab stays empty: ${error.message} (\`npm run prometheus:build\` builds it; needs Go)`);
    return undefined;
  }
}

function hasGo() {
  const go = spawnSync('go', ['version'], { stdio: 'ignore' });
  return !go.error && go.status === 0;
}
