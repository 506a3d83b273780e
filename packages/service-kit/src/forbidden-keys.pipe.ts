import { BadRequestException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

/** Keys class-transformer silently drops (prototype-pollution guard), so whitelisting never sees them. */
const DROPPED = new Set(['__proto__', 'constructor']);

/**
 * Refuses a body with a `__proto__` or `constructor` key at any depth. Without it such a key would
 * vanish in the DTO instead of being rejected as unknown, as every other unknown key is.
 */
export class ForbiddenKeysPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') check(value, '');
    return value;
  }
}

function check(value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    if (DROPPED.has(key)) throw new BadRequestException([`${path}property ${key} should not exist`]);
    check((value as Record<string, unknown>)[key], `${path}${key}.`);
  }
}
