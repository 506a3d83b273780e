import * as common from '@nestjs/common';
import { HttpException } from '@nestjs/common';

/** status → Nest's built-in exception class for it (BadRequestException for 400, …). */
const builtIn = new Map<number, new (body: object) => HttpException>();
for (const value of Object.values(common)) {
  if (typeof value !== 'function' || !(value.prototype instanceof HttpException)) continue;
  try {
    const status = new (value as new () => HttpException)().getStatus();
    if (!builtIn.has(status)) builtIn.set(status, value as new (body: object) => HttpException);
  } catch {
    // needs constructor arguments: not a fixed-status built-in
  }
}

/**
 * An HttpException for `status` with `body` as the response, using Nest's named class when there is
 * one (ConflictException for 409). Named 4xx classes are what the tracing package recognises as
 * client errors, so re-thrown downstream 4xx answers do not mark spans as failed.
 */
export function httpError(status: number, body: object): HttpException {
  const Named = builtIn.get(status);
  return Named ? new Named(body) : new HttpException(body, status);
}
