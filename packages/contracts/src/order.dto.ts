import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { LineItemDto, LineItems } from './line-item.dto';
import { ID_PATTERN, ID_RULE } from './patterns';

export class CreateOrderDto {
  @ApiProperty({ example: 'customer-42' })
  @IsString()
  @Matches(ID_PATTERN, { message: `customerId must be ${ID_RULE}` })
  customerId!: string;

  @LineItems()
  items!: LineItemDto[];
}

export type OrderStatus = 'pending' | 'confirmed' | 'rejected';

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'rejected'] }) status!: OrderStatus;
  @ApiProperty({ required: false, example: 'insufficient stock' }) reason?: string;
  @ApiProperty({ type: [LineItemDto] }) items!: LineItemDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
