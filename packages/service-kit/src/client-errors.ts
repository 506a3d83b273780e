import { HttpException } from '@nestjs/common';
import { nestHttpExceptions } from '@tracelab/tracing';

/** status → Nest's built-in exception class for it (BadRequestException for 400, …); the first one wins. */
const builtIn = new Map<number, new (body: object) => HttpException>();
for (const { status, type } of nestHttpExceptions()) if (!builtIn.has(status)) builtIn.set(status, type);

/**
 * An HttpException for `status` with `body` as the response, using Nest's named class when there is
 * one (ConflictException for 409). Named 4xx classes are what the tracing package recognises as
 * client errors, so re-thrown downstream 4xx answers do not mark spans as failed.
 */
export function httpError(status: number, body: object): HttpException {
  const Named = builtIn.get(status);
  return Named ? new Named(body) : new HttpException(body, status);
}
