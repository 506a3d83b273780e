import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { ID_PATTERN, ID_RULE } from './patterns';

/** Property decorator for a customer or order id in a body; the error names the property. */
export function Identifier(example: string): PropertyDecorator {
  // The order of stacked `@ApiProperty @IsString @Matches` (bottom first): validation messages list in it.
  return (target, key) => {
    Matches(ID_PATTERN, { message: `${String(key)} must be ${ID_RULE}` })(target, key);
    IsString()(target, key);
    ApiProperty({ example, pattern: ID_PATTERN.source, minLength: 1, maxLength: 64 })(target, key);
  };
}

/**
 * The same rule for a path or query parameter, like Nest's `ParseUUIDPipe`:
 * `@Param('orderId', new ParseIdPipe('orderId'))`. A missing parameter fails it too.
 */
export class ParseIdPipe implements PipeTransform<string | undefined, string> {
  constructor(private readonly label: string) {}

  transform(value: string | undefined): string {
    if (value === undefined || !ID_PATTERN.test(value)) throw new BadRequestException(`${this.label} must be ${ID_RULE}`);
    return value;
  }
}
