import { GatewayTimeoutException, ServiceUnavailableException } from '@nestjs/common';
import { httpError } from './client-errors';

/**
 * Methods a repeat cannot change anything with (RFC 9110 §9.2.1), so they get one more attempt when
 * the connection closes under them. Go's net/http does the same for a reused connection; a POST is
 * never repeated, since the server may have acted on it before the connection broke.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/**
 * The connection closed under the request, before any answer. Seen in a rolling restart: undici
 * sends on a pooled keep-alive connection in the instant the old pod's graceful shutdown closes it.
 * A refused connection (ECONNREFUSED) is not here: nobody listens, and a repeat would be refused too.
 */
const CLOSED_UNDER_REQUEST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CLOSED', 'EPIPE']);

export interface DownstreamOptions {
  /** Service name used in error messages (e.g. "inventory"). */
  name: string;
  baseUrl: string;
  /** Per-call timeout. */
  timeoutMillis: number;
}

export interface DownstreamResponse<T> {
  status: number;
  body: T;
}

/**
 * JSON over global fetch, so the undici instrumentation makes the CLIENT span and injects
 * traceparent/baggage. Failures map to what the caller should answer:
 * downstream 4xx → the same HttpException (passed through); 503 (it lost its own dependency) → 503
 * passed through with the name of the service that lost it and its Retry-After; unreachable (not
 * running, restarting, connection cut) → 503 naming it; other 5xx → 502; timeout → 504. A GET whose
 * connection closes under it is sent once more (see SAFE_METHODS) within the same deadline.
 */
export class DownstreamClient {
  constructor(private readonly options: DownstreamOptions) {}

  async request<T>(method: string, path: string, body?: unknown, timeoutMillis = this.options.timeoutMillis): Promise<DownstreamResponse<T>> {
    const { name, baseUrl } = this.options;
    // One deadline for both attempts: a retry never stretches the caller's wait.
    const signal = AbortSignal.timeout(timeoutMillis);
    let response: Response | undefined;
    for (let attempt = 1; !response; attempt++) {
      try {
        response = await fetch(new URL(path, baseUrl), {
          method,
          headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        });
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') {
          throw new GatewayTimeoutException(`${name} did not answer within ${timeoutMillis} ms`);
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (attempt === 1 && SAFE_METHODS.has(method.toUpperCase()) && CLOSED_UNDER_REQUEST.has(cause?.code ?? '')) continue;
        throw httpError(503, {
          message: `${name} is unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
          service: name,
          retryAfterSeconds: 1,
        });
      }
    }
    let payload: unknown;
    try {
      payload = await readJson(response);
    } catch (error) {
      // The connection broke while the answer was arriving.
      throw httpError(503, { message: `${name} is unreachable: ${(error as Error).message}`, service: name, retryAfterSeconds: 1 });
    }
    if (response.status === 503) {
      const { traceId: _ignored, path: _path, ...rest } = (payload ?? {}) as Record<string, unknown>;
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw httpError(503, {
        message: `${name} is unavailable`,
        ...rest,
        service: typeof rest.service === 'string' ? rest.service : name,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1,
      });
    }
    if (response.status >= 500) {
      throw httpError(502, {
        message: `${name} failed with ${response.status}`,
        service: name,
      });
    }
    if (response.status >= 400) {
      // Pass the downstream's own error through, minus its trace id: the caller adds its own.
      const { traceId: _ignored, path: _path, ...rest } = (payload ?? {}) as Record<string, unknown>;
      throw httpError(response.status, rest);
    }
    return { status: response.status, body: payload as T };
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
