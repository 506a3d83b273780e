// Apache Kafka for Jaeger's collector → Kafka → ingester path (tests/jaeger kafka.test.ts), from Maven
// Central: `mvn dependency:build-classpath` of org.apache.kafka:kafka_2.13 resolves the broker and
// its libraries into Maven's own repository (~/.m2), and the classpath is kept in the user's cache
// (~/.cache/tracelab/kafka/<version>/classpath.txt). One node in KRaft mode (broker and controller),
// its log formatted once per data folder, started as `java … kafka.Kafka server.properties`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnDaemon } from './daemon.mjs';
import { kafkaIngesterConfig } from './start.mjs';

export const KAFKA_VERSION = '4.1.0';
export const kafkaCollectorConfig = fileURLToPath(new URL('./kafka-collector.yaml', import.meta.url));
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tracelab', 'kafka', KAFKA_VERSION);

/** The broker's classpath, resolved through Maven once; `{ missing }` with the reason when java or mvn cannot. */
export function kafkaClasspath({ log = () => {} } = {}) {
  const file = join(cacheDir, 'classpath.txt');
  const cached = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (cached && cached.split(':').every((jar) => existsSync(jar))) return { classpath: cached };
  for (const tool of ['java', 'mvn']) {
    const probe = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (probe.error || probe.status !== 0) return { missing: `no \`${tool}\` to run Kafka ${KAFKA_VERSION} (apt-get install default-jre-headless maven)` };
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    join(cacheDir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tracelab</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
  </dependencies>
</project>
`,
  );
  log(`resolving Kafka ${KAFKA_VERSION} from Maven Central (mvn dependency:build-classpath)…`);
  const mvn = spawnSync('mvn', ['-B', '-q', 'dependency:build-classpath', `-Dmdep.outputFile=${file}`], { cwd: cacheDir, encoding: 'utf8', timeout: 600_000 });
  if (mvn.status !== 0 || !existsSync(file)) return { missing: `mvn could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION}: ${(mvn.stdout + mvn.stderr).trim().split('\n').slice(-3).join(' ')}` };
  return { classpath: readFileSync(file, 'utf8').trim() };
}

/**
 * One Kafka node on `port` (controller on `controllerPort`), data in `dataDir` (formatted on first use,
 * kept across restarts). Resolves once the broker's port accepts connections.
 * @param {{ classpath: string, dataDir: string, port: number, controllerPort: number, readyTimeoutMs?: number }} options
 */
export async function startKafka(options) {
  const { classpath, dataDir, port, controllerPort } = options;
  mkdirSync(dataDir, { recursive: true });
  const properties = join(dataDir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dataDir, 'log')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'auto.create.topics.enable=true',
      '',
    ].join('\n'),
  );
  const java = (args) => spawnSync('java', ['-cp', classpath, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (!existsSync(join(dataDir, 'log', 'meta.properties'))) {
    const uuid = java(['kafka.tools.StorageTool', 'random-uuid']).stdout.trim().split('\n').at(-1);
    const format = java(['kafka.tools.StorageTool', 'format', '-t', uuid, '-c', properties, '--standalone']);
    if (format.status !== 0) throw new Error(`kafka-storage format failed: ${(format.stdout + format.stderr).trim().split('\n').slice(-2).join(' ')}`);
  }
  const { child, recent, exited, stop } = spawnDaemon('java', ['-Xmx512m', '-cp', classpath, 'kafka.Kafka', properties]);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let exit;
  exited.then((e) => (exit = e));
  while (Date.now() < deadline && !exit) {
    if (await listening(port)) {
      return {
        process: child,
        brokers: `127.0.0.1:${port}`,
        log: () => [...recent],
        /** SIGTERM (Kafka closes its logs cleanly), then SIGKILL after 30 s. */
        stop: () => stop(30_000),
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`Kafka did not listen on ${port} within ${options.readyTimeoutMs ?? 90_000} ms: ${recent.filter((l) => /ERROR|Exception/.test(l)).at(-1) ?? recent.at(-1) ?? '(no output)'}`);
}

/** The collector's arguments: OTLP on `ports`, health on `ports.health`, spans to `brokers`. */
export function kafkaCollectorArgs(host, ports, brokers) {
  return [
    `--config=${kafkaCollectorConfig}`,
    `--set=receivers.otlp.protocols.grpc.endpoint=${host}:${ports.otlpGrpc}`,
    `--set=receivers.otlp.protocols.http.endpoint=${host}:${ports.otlpHttp}`,
    `--set=extensions.healthcheckv2.http.endpoint=${host}:${ports.health}`,
    `--set=exporters.kafka.brokers=[${brokers}]`,
  ];
}

/** The ingester's arguments after local.yaml and its endpoints: spans from `brokers` into storage. */
export function kafkaIngesterArgs(brokers) {
  return [`--config=${kafkaIngesterConfig}`, `--set=receivers.kafka.brokers=[${brokers}]`];
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
