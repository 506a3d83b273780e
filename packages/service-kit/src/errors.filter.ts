import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { currentTraceId } from '@tracelab/tracing';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

/** The JSON body of every error TraceLab returns. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Paste into Jaeger's search box to open the request's trace. */
  traceId?: string;
  path: string;
  [extra: string]: unknown;
}

/** body-parser errors carry `type` and `status`; they never reach Nest as HttpExceptions. */
const bodyParserErrors: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'request body is too large' },
  'encoding.unsupported': { status: 415, message: 'unsupported request body encoding' },
  'charset.unsupported': { status: 415, message: 'unsupported request body charset' },
};

/**
 * Every error becomes `{statusCode, error, message, traceId, path}`. Client mistakes keep their 4xx;
 * anything unexpected is logged with its stack and answered 500 without internals.
 */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = this.toBody(exception, req.originalUrl ?? req.url);
    // Unexpected errors get their stack in the log; deliberate 5xx answers (503 not ready, 502/504 from
    // a downstream) are expected states and get one line.
    if (!(exception instanceof HttpException) && body.statusCode >= 500) {
      this.logger.error({ err: exception }, `${req.method} ${body.path} failed`);
    } else if (body.statusCode >= 500) {
      this.logger.warn(`${req.method} ${body.path}: ${body.statusCode} ${[body.message].flat().join('; ')}`);
    }
    if (res.headersSent) return;
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
    const parser = bodyParserErrors[(exception as { type?: string })?.type ?? ''];
    if (parser) {
      return { statusCode: parser.status, error: STATUS_CODES[parser.status] ?? 'Error', message: parser.message, traceId, path };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'internal error', traceId, path };
  }
}
