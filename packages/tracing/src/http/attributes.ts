import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { forwardedFor, forwardedHost, hostAndPort } from './forwarded';

// The attributes @opentelemetry/instrumentation-http 0.300 sets (stable HTTP semconv), computed the
// same way, so that switching to it (TRACING_HTTP_INSTRUMENTATION=upstream) changes no span; the
// parity test in tests/package compares the two. Undefined values are left out, as the SDK drops them.

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
/** Upstream's default: presigned-URL signatures never reach a span. */
const REDACTED_QUERY_PARAMS = ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature'];
/** A path the WHATWG URL parser would return unchanged: no dot segments, escapes or characters it encodes. */
const PLAIN_PATH = /^\/(?!\/)[\w\-~!$&'()*+,;=:@/.]*$/;
const DOT_SEGMENT = /\/\.\.?(\/|$)/;

export function methodAttributes(method: string | undefined, into: Attributes): string {
  const upper = (method ?? 'GET').toUpperCase();
  const normalized = method == null ? 'GET' : KNOWN_METHODS.has(upper) ? upper : '_OTHER';
  into[ATTR_HTTP_REQUEST_METHOD] = normalized;
  if (method != null && method !== normalized) into[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
  return normalized;
}

function redact(query: string): string {
  const params = new URLSearchParams(query);
  for (const name of REDACTED_QUERY_PARAMS) if (params.has(name)) params.set(name, 'REDACTED');
  return params.toString();
}

/** url.path and url.query as `new URL()` gives them; the parser runs only for a path it would change. */
function pathAndQuery(url: string, scheme: string, host: string | undefined, into: Attributes): void {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path) && !url.includes('#')) {
    into[ATTR_URL_PATH] = path;
    if (q !== -1 && q < url.length - 1) into[ATTR_URL_QUERY] = redact(url.slice(q + 1));
    return;
  }
  try {
    const parsed = new URL(url, `${scheme}://${host || 'localhost'}`);
    into[ATTR_URL_PATH] = parsed.pathname;
    if (parsed.search) into[ATTR_URL_QUERY] = redact(parsed.search.slice(1));
  } catch {
    // Upstream leaves both out when the URL cannot be parsed.
  }
}

/** A SERVER span's attributes at the start of the request. */
export function serverAttributes(request: IncomingMessage, scheme: 'http' | 'https'): { attributes: Attributes; method: string } {
  const attributes: Attributes = {};
  methodAttributes(request.method, attributes);
  attributes[ATTR_URL_SCHEME] = scheme;
  const server = forwardedHost(request.headers, scheme);
  if (server?.host !== undefined) attributes[ATTR_SERVER_ADDRESS] = server.host;
  const { remoteAddress, remotePort } = request.socket;
  if (remoteAddress !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = remoteAddress;
  if (remotePort !== undefined) attributes[ATTR_NETWORK_PEER_PORT] = remotePort;
  attributes[ATTR_NETWORK_PROTOCOL_VERSION] = request.httpVersion;
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  pathAndQuery(request.url ?? '/', scheme, request.headers.host, attributes);
  const client = forwardedFor(request.headers) ?? remoteAddress;
  if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
  if (server?.port != null) attributes[ATTR_SERVER_PORT] = Number(server.port);
  return { attributes, method: request.method || 'GET' };
}

/** A CLIENT span's attributes, read back from the request Node built (its options are not kept). */
export function clientAttributes(request: ClientRequest): Attributes {
  const attributes: Attributes = {};
  methodAttributes(request.method, attributes);
  const protocol = request.protocol || 'http:';
  const hostHeader = request.getHeader('host');
  const { port } = hostAndPort(typeof hostHeader === 'string' ? hostHeader : request.host);
  const serverPort = port ?? (protocol === 'https:' ? '443' : '80');
  attributes[ATTR_SERVER_ADDRESS] = request.host;
  attributes[ATTR_SERVER_PORT] = Number(serverPort);
  const host = serverPort === '80' || serverPort === '443' || request.host.includes(':') ? request.host : `${request.host}:${serverPort}`;
  let path = request.path || '/';
  const q = path.indexOf('?');
  if (q !== -1) path = `${path.slice(0, q)}?${redact(path.slice(q + 1))}`;
  attributes[ATTR_URL_FULL] = `${protocol}//${host}${path}`;
  const userAgent = request.getHeader('user-agent');
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent as string;
  return attributes;
}

/** What a CLIENT span learns when the response's head arrives. */
export function clientResponseAttributes(response: IncomingMessage): Attributes {
  const attributes: Attributes = {};
  if (response.statusCode != null) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = response.statusCode;
  const { socket } = response;
  if (socket) {
    if (socket.remoteAddress !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = socket.remoteAddress;
    if (socket.remotePort !== undefined) attributes[ATTR_NETWORK_PEER_PORT] = socket.remotePort;
    attributes[ATTR_NETWORK_PROTOCOL_VERSION] = response.httpVersion;
  }
  return attributes;
}
