import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';

export const MAX_QUANTITY = 100;
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

export class OrderItemDto {
  @ApiProperty({ example: 'SKU-001' })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must look like SKU-001' })
  sku!: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_QUANTITY })
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity!: number;
}

export class CreateOrderDto {
  @ApiProperty({ example: 'customer-42' })
  @IsString()
  @Matches(CUSTOMER_ID_PATTERN, { message: 'customerId must be 1-64 letters, digits, "-" or "_"' })
  customerId!: string;

  @ApiProperty({ type: [OrderItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}

export type OrderStatus = 'pending' | 'confirmed' | 'rejected';

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'rejected'] }) status!: OrderStatus;
  @ApiProperty({ required: false }) reason?: string;
  @ApiProperty({ type: [OrderItemDto] }) items!: OrderItemDto[];
  @ApiProperty() createdAt!: string;
}
