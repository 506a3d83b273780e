import * as common from '@nestjs/common';

export interface NestHttpException {
  status: number;
  type: new (body?: object) => common.HttpException;
}

/**
 * Every fixed-status HttpException class that @nestjs/common ships (BadRequestException for 400, …).
 * One list for the error policy (which 4xx classes are client errors) and for code that re-throws a
 * downstream answer as Nest's named exception.
 */
export function nestHttpExceptions(): NestHttpException[] {
  const found: NestHttpException[] = [];
  for (const value of Object.values(common)) {
    if (typeof value !== 'function' || !(value.prototype instanceof common.HttpException)) continue;
    try {
      const type = value as new (body?: object) => common.HttpException;
      found.push({ status: new type().getStatus(), type });
    } catch {
      // Not constructible without arguments: not one of Nest's fixed-status exceptions.
    }
  }
  return found;
}
