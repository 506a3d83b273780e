import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (node --cpu-prof) that attribution needs. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * Who owns a frame: an npm package ("@opentelemetry/core"), a workspace file of the tracing package
 * ("@tracelab/tracing/context-attributes"), another workspace ("@tracelab/gateway"), or undefined for
 * Node's own JavaScript and native frames, which are charged to their nearest owned caller.
 */
export function owner(url: string): string | undefined {
  if (!url || url.startsWith('node:')) return undefined;
  // undici (global fetch) parses HTTP with llhttp compiled to WebAssembly.
  if (url.startsWith('wasm://')) return 'undici';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [a, b] = path.slice(nm + '/node_modules/'.length).split('/');
    return a.startsWith('@') ? `${a}/${b}` : a;
  }
  const tracing = /\/packages\/tracing\/(?:dist|src)\/(.+?)\.[cm]?[jt]s$/.exec(path);
  if (tracing) return `@tracelab/tracing/${tracing[1]}`;
  const workspace = /\/(?:apps|packages)\/([^/]+)\//.exec(path);
  return workspace ? `@tracelab/${workspace[1]}` : path;
}

// V8's pseudo-frames: a Set, since function names such as "constructor" would find an object's prototype.
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)']);

/**
 * Sampled time per owner, in µs, for samples taken in [fromMicros, toMicros) (profile clock =
 * process.hrtime). A sample in Node internals or native code counts for the nearest caller with an
 * owner, so `Buffer.from` called by protobufjs is the exporter's, and `AsyncLocalStorage.run` called by
 * the context manager is the context manager's. Samples with no owned caller are "node (no JS caller)".
 */
export function timeByOwner(profile: CpuProfile, windows: Array<[number, number]> = [[-Infinity, Infinity]]): Map<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const hit = cache.get(id);
    if (hit) return hit;
    const frame = byId.get(id)!.callFrame;
    const special = SPECIAL.has(frame.functionName) ? frame.functionName : undefined;
    const found = special ?? owner(frame.url) ?? (parent.has(id) ? ownerOf(parent.get(id)!) : 'node (no JS caller)');
    cache.set(id, found);
    return found;
  };
  const out = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (!windows.some(([from, to]) => t >= from && t < to)) continue;
    const who = ownerOf(profile.samples[i]);
    out.set(who, (out.get(who) ?? 0) + weight);
  }
  return out;
}

const EXPORTER = ['@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/otlp-grpc-exporter-base', '@opentelemetry/otlp-exporter-base', '@opentelemetry/otlp-transformer', 'protobufjs', '@grpc/grpc-js', '@grpc/proto-loader', 'long'];
const LOGGING = ['pino', 'pino-http', 'nestjs-pino', 'sonic-boom', 'pino-std-serializers', 'fast-redact', 'quick-format-unescaped', 'safe-stable-stringify', 'thread-stream', 'atomic-sleep', 'on-exit-leak-free'];
const PG = ['pg', 'pg-pool', 'pg-protocol', 'pg-types', 'pg-connection-string', 'pgpass', 'postgres-array', 'postgres-bytea', 'postgres-date', 'postgres-interval', 'pg-int8'];
const TRACELAB_TRACING: Record<string, string> = {
  'context-attributes': 'ContextAttributesSpanProcessor',
  'error-policy': 'ErrorPolicySpanProcessor',
  'span-accounting': 'span accounting (tracing package)',
  'trace-response': 'traceresponse header (tracing package)',
};

/** The attribution categories of the issue: each instrumentation, context, span processors, SDK, exporter, logging; then the rest. */
export function category(who: string): string {
  const instrumentation = /^@opentelemetry\/instrumentation-(.+)$/.exec(who);
  if (instrumentation) return `instrumentation-${instrumentation[1]}`;
  if (who === '@opentelemetry/sql-common') return 'instrumentation-pg';
  if (['@opentelemetry/instrumentation', 'require-in-the-middle', 'import-in-the-middle', 'shimmer', 'module-details-from-path'].includes(who)) return 'instrumentation base (wrappers)';
  if (who === '@opentelemetry/context-async-hooks') return 'context manager (AsyncLocalStorage)';
  if (/^@opentelemetry\/sdk-trace/.test(who)) return 'SDK spans + batch processor';
  if (who === '@opentelemetry/sdk-metrics') return 'metrics SDK (instrumentations\' histograms)';
  if (EXPORTER.includes(who) || who.startsWith('@protobufjs/')) return 'exporter (OTLP protobuf + gRPC)';
  if (who.startsWith('@opentelemetry/')) return 'API, core, propagation, resources';
  if (who.startsWith('@tracelab/tracing/')) return TRACELAB_TRACING[who.slice('@tracelab/tracing/'.length)] ?? 'tracing package (other)';
  if (LOGGING.includes(who)) return 'logging (pino)';
  if (PG.includes(who)) return 'pg driver';
  if (who.startsWith('@nestjs/') || ['reflect-metadata', 'rxjs', 'class-validator', 'class-transformer', 'iterare'].includes(who)) return 'NestJS';
  if (who.startsWith('@tracelab/')) return 'application (apps, service-kit)';
  if (who === 'undici') return 'undici (fetch)';
  if (who.startsWith('(') || who.startsWith('node ')) return who;
  return 'other packages (express, body-parser, …)';
}

/** Whether a category exists only because tracing is on. */
export function isTracing(cat: string): boolean {
  return /^instrumentation|^context manager|^SDK|^metrics SDK|^exporter|^API, core|SpanProcessor$|tracing package/.test(cat);
}
