import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_ITEMS, MAX_QUANTITY, SKU_PATTERN } from './patterns';

/** One sku and how many of it: an order line and a reservation line alike. */
export class LineItemDto {
  @ApiProperty({ example: 'SKU-001', pattern: SKU_PATTERN.source, maxLength: 32 })
  @IsString({ message: 'sku must be a string' })
  @Matches(SKU_PATTERN, { message: 'sku must look like SKU-001' })
  sku!: string;

  @ApiProperty({ example: 1, type: 'integer', minimum: 1, maximum: MAX_QUANTITY })
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity!: number;
}

/** Property decorator for a validated `items` list of {@link LineItemDto}. */
export function LineItems(): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ type: [LineItemDto], minItems: 1, maxItems: MAX_ITEMS, description: 'One line per sku' })(target, key);
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(MAX_ITEMS)(target, key);
    // One line per sku: a repeated sku would otherwise reach the database as a key violation.
    ArrayUnique((item: LineItemDto) => item?.sku, { message: 'items must not repeat a sku' })(target, key);
    // ValidateNested lets arrays through as "nested" values: `[[[]]]` would reach the database.
    IsObject({ each: true, message: 'each of items must be an object {sku, quantity}' })(target, key);
    ValidateNested({ each: true })(target, key);
    Type(() => LineItemDto)(target, key);
  };
}
