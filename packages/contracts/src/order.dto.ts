import { ApiProperty } from '@nestjs/swagger';
import { Identifier } from './identifier';
import { LineItemDto, LineItems } from './line-item.dto';

export class CreateOrderDto {
  @Identifier('customer-42')
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
