import { BadGatewayException, GatewayTimeoutException } from '@nestjs/common';
import { httpError } from './client-errors';

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
 * downstream 4xx → the same HttpException (passed through), 5xx/unreachable → 502, timeout → 504.
 */
export class DownstreamClient {
  constructor(private readonly options: DownstreamOptions) {}

  async request<T>(method: string, path: string, body?: unknown, timeoutMillis = this.options.timeoutMillis): Promise<DownstreamResponse<T>> {
    const { name, baseUrl } = this.options;
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMillis),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new GatewayTimeoutException(`${name} did not answer within ${timeoutMillis} ms`);
      }
      throw new BadGatewayException(`${name} is unreachable: ${(error as Error).message}`);
    }
    const payload = await readJson(response);
    if (response.status >= 500) {
      throw new BadGatewayException(`${name} failed with ${response.status}`);
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
