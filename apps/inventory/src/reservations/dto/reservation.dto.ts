import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { SKU_PATTERN } from '../../products/dto/product.dto';

export const MAX_QUANTITY = 100;
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class ReservationItemDto {
  @ApiProperty({ example: 'SKU-001' })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must look like SKU-001' })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_QUANTITY })
  @IsInt({ message: 'quantity must be an integer' })
  @Min(1, { message: 'quantity must be at least 1' })
  @Max(MAX_QUANTITY, { message: `quantity must be at most ${MAX_QUANTITY}` })
  quantity!: number;
}

export class CreateReservationDto {
  @ApiProperty({ example: '5b8c6a1e-2f7d-4a43-9f55-0d3b2c1e9a77' })
  @IsString()
  @Matches(ORDER_ID_PATTERN, { message: 'orderId must be 1-64 letters, digits, "-" or "_"' })
  orderId!: string;

  @ApiProperty({ type: [ReservationItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReservationItemDto)
  items!: ReservationItemDto[];
}

export class ReservationDto {
  @ApiProperty() orderId!: string;
  @ApiProperty({ type: [ReservationItemDto] }) items!: ReservationItemDto[];
}

export interface ShortItem {
  sku: string;
  requested: number;
  available: number;
}
