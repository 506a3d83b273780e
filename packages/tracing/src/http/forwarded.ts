import type { IncomingHttpHeaders } from 'node:http';

// server.address / server.port / client.address of a SERVER span, read from the proxy headers first,
// as HTTP semconv 1.27 asks and @opentelemetry/instrumentation-http does.

interface HostPort {
  host: string;
  port?: string;
}

/** "example.com:8080" → host and port; "[::1]:80" keeps its brackets, as upstream's parser does. */
export function hostAndPort(value: string, proto?: string): HostPort {
  const parts = value.split(':');
  const defaultPort = proto === 'http' ? '80' : proto === 'https' ? '443' : undefined;
  if (parts.length === 1) return { host: parts[0], port: defaultPort };
  if (parts.length === 2) return { host: parts[0], port: parts[1] };
  if (parts[0].startsWith('[')) {
    if (parts[parts.length - 1].endsWith(']')) return { host: value, port: defaultPort };
    if (parts[parts.length - 2].endsWith(']')) return { host: parts.slice(0, -1).join(':'), port: parts[parts.length - 1] };
  }
  return { host: value };
}

/** The first entry of an RFC 7239 `Forwarded` header, as key → value (quotes removed). */
function firstForwarded(header: string): Record<string, string> {
  const entry: Record<string, string> = {};
  for (const pair of header.split(',', 1)[0].split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    entry[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return entry;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function forwardedHost(headers: IncomingHttpHeaders, scheme: string): HostPort | undefined {
  const forwarded = headers.forwarded;
  if (forwarded) {
    const entry = firstForwarded(forwarded);
    if (entry.host) return hostAndPort(entry.host, entry.proto);
  }
  const xHost = first(headers['x-forwarded-host']);
  if (xHost) return hostAndPort(xHost, first(headers['x-forwarded-proto']));
  const host = headers.host;
  return host ? hostAndPort(host, scheme) : undefined;
}

export function forwardedFor(headers: IncomingHttpHeaders): string | undefined {
  const forwarded = headers.forwarded;
  if (forwarded) {
    const entry = firstForwarded(forwarded);
    if (entry.for) return withoutPort(entry.for);
  }
  const xFor = first(headers['x-forwarded-for']);
  return xFor ? withoutPort(xFor.split(',')[0].trim()) : undefined;
}

function withoutPort(address: string): string {
  try {
    const { hostname } = new URL(`http://${address}`);
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  } catch {
    return address;
  }
}
