// OpenTelemetry semantic conventions, old and new names alike. Detectors read attributes only
// through here, never a vendor's own attributes or service names.
import { KIND, type Span } from './model';

const first = (span: Span, ...keys: string[]): unknown => {
  for (const k of keys) if (span.attributes[k] !== undefined && span.attributes[k] !== null && span.attributes[k] !== '') return span.attributes[k];
  return undefined;
};
const text = (v: unknown) => (v === undefined ? undefined : String(v));

export const dbSystem = (s: Span) => text(first(s, 'db.system.name', 'db.system'));
export const dbStatement = (s: Span) => text(first(s, 'db.query.text', 'db.statement'));
export const dbNamespace = (s: Span) => text(first(s, 'db.namespace', 'db.name'));
export const httpMethod = (s: Span) => text(first(s, 'http.request.method', 'http.method'));
export const httpStatus = (s: Span) => {
  const v = first(s, 'http.response.status_code', 'http.status_code');
  return v === undefined ? undefined : Number(v);
};
export const peerHost = (s: Span) => text(first(s, 'server.address', 'net.peer.name', 'net.peer.ip', 'network.peer.address'));
export const peerPort = (s: Span) => text(first(s, 'server.port', 'net.peer.port'));
export const resendCount = (s: Span) => {
  const v = first(s, 'http.request.resend_count');
  return v === undefined ? undefined : Number(v);
};
export const rpcTarget = (s: Span) => {
  const service = text(first(s, 'rpc.service'));
  return service ? `${service}/${text(first(s, 'rpc.method')) ?? ''}` : undefined;
};

/** A span that talks to a database: a statement or a db system, whatever its kind. */
export const isDb = (s: Span) => dbSystem(s) !== undefined || dbStatement(s) !== undefined;
/** An outgoing remote call (HTTP, RPC) that is not a database call. */
export const isRemoteCall = (s: Span) => s.kind === KIND.CLIENT && !isDb(s) && (httpMethod(s) !== undefined || rpcTarget(s) !== undefined);

/** Path of an outgoing HTTP call without query string: `url.full`, `http.url`, or `url.path`/`http.target`. */
export function httpPath(s: Span): string | undefined {
  const template = text(first(s, 'url.template', 'http.route'));
  if (template) return template;
  const full = text(first(s, 'url.full', 'http.url'));
  if (full) {
    try {
      return new URL(full).pathname;
    } catch {
      return full.split('?')[0];
    }
  }
  return text(first(s, 'url.path', 'http.target'))?.split('?')[0];
}

/** Host (and port) an outgoing call goes to. */
export function callHost(s: Span): string {
  const host = peerHost(s);
  if (host) return peerPort(s) ? `${host}:${peerPort(s)}` : host;
  const full = text(first(s, 'url.full', 'http.url'));
  if (full) {
    try {
      return new URL(full).host;
    } catch {
      // not a URL: fall through
    }
  }
  return '?';
}

/** Path segments that are ids (numbers, uuids, codes of 4+ characters with a digit such as SKU-003) become `{id}`; `v1` stays. */
export function pathShape(path: string): string {
  return path
    .split('/')
    .map((seg) => (/^\d+$/.test(seg) || (/\d/.test(seg) && seg.length >= 4) ? '{id}' : seg))
    .join('/');
}

/** The endpoint of an outgoing call, ids stripped: `GET inventory:8082 /products/{id}`. */
export function callTarget(s: Span): string {
  const rpc = rpcTarget(s);
  if (rpc) return `rpc ${callHost(s)} ${rpc}`;
  const path = httpPath(s);
  return `${httpMethod(s) ?? ''} ${callHost(s)} ${path ? pathShape(path) : s.name}`.trim();
}

/** The exact resource a call reads (ids kept), to tell "same call again" from "a call to another item". */
export function callResource(s: Span): string {
  const full = text(first(s, 'url.full', 'http.url'));
  return `${httpMethod(s) ?? ''} ${callHost(s)} ${full ? full.replace(/^[a-z]+:\/\/[^/]+/i, '') : httpPath(s) ?? s.name}`;
}

/**
 * Where an exception was thrown: the innermost frame. JavaScript, Java and .NET list it first
 * (`at …`); Python's traceback lists it last (`File "…", line N, in f`); Go's panic prints
 * `file.go:N` lines after each function.
 */
export function topFrame(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split('\n').map((l) => l.trim());
  if (lines[0]?.startsWith('Traceback')) return lines.filter((l) => l.startsWith('File "')).pop();
  return lines.find((l) => /^at\s|\.go:\d+/.test(l));
}
