import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { currentTraceId } from '@tracelab/tracing';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database-errors';
import { JSON_TOO_DEEP } from './json-body';

/** The JSON body of every error TraceLab returns. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Paste into Jaeger's search box to open the request's trace. */
  traceId?: string;
  path: string;
  /** On a 503: the service that lost its dependency (e.g. "orders"), passed along unchanged by callers. */
  service?: string;
  [extra: string]: unknown;
}

/** Seconds a client should wait before retrying a 503; sent as `Retry-After` and in the body. */
export const RETRY_AFTER_SECONDS = 1;

/** body-parser errors carry `type` and `status`; they never reach Nest as HttpExceptions. */
const bodyParserErrors: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'request body is too large' },
  [JSON_TOO_DEEP]: { status: 400, message: 'request body is nested too deeply' },
  'encoding.unsupported': { status: 415, message: 'unsupported request body encoding' },
  'charset.unsupported': { status: 415, message: 'unsupported request body charset' },
};

/**
 * Every error becomes `{statusCode, error, message, traceId, path}`. Client mistakes keep their 4xx;
 * a lost database is a 503 with `Retry-After` naming this service; anything else unexpected is
 * logged with its stack and answered 500 without internals.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** @param service this service's name, reported in 503 bodies. */
  constructor(private readonly service = process.env.OTEL_SERVICE_NAME ?? 'service') {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = this.toBody(exception, req.originalUrl ?? req.url);
    // Unexpected errors get their stack in the log; deliberate 5xx answers (503 not ready or database
    // down, 502/504 from a downstream) are expected states and get one line.
    if (!(exception instanceof HttpException) && body.statusCode === 500) {
      this.logger.error({ err: exception }, `${req.method} ${body.path} failed`);
    } else if (body.statusCode >= 500) {
      this.logger.warn(`${req.method} ${body.path}: ${body.statusCode} ${[body.message].flat().join('; ')}`);
    }
    if (res.headersSent) return;
    if (typeof body.retryAfterSeconds === 'number') res.setHeader('retry-after', String(body.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, path: string): ErrorBody {
    const traceId = currentTraceId();
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const fields = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : { message: response };
      const statusCode = exception.getStatus();
      return {
        ...fields,
        statusCode,
        error: typeof fields.error === 'string' ? fields.error : (STATUS_CODES[statusCode] ?? 'Error'),
        message: (fields.message as string | string[]) ?? exception.message,
        traceId,
        path,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      const code = (exception as { code?: string }).code;
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        message: `${this.service} cannot reach its database; retry shortly`,
        service: this.service,
        ...(code ? { cause: code } : {}),
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        traceId,
        path,
      };
    }
    const parser = bodyParserErrors[(exception as { type?: string })?.type ?? ''];
    if (parser) {
      return { statusCode: parser.status, error: STATUS_CODES[parser.status] ?? 'Error', message: parser.message, traceId, path };
    }
    const status = clientStatus(exception);
    if (status) {
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: (exception as Error).message, traceId, path };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'internal error', traceId, path };
  }
}

/**
 * A 4xx that Express or body-parser raised (http-errors style `status` + `expose`), e.g. a path
 * segment that is not valid percent-encoding: the client's mistake, not ours.
 */
function clientStatus(exception: unknown): number | undefined {
  const e = exception as { status?: unknown; statusCode?: unknown; expose?: unknown } | undefined;
  const status = e?.status ?? e?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && e?.expose !== false ? status : undefined;
}
