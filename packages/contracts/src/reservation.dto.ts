import { ApiProperty } from '@nestjs/swagger';
import { Identifier } from './identifier';
import { LineItemDto, LineItems } from './line-item.dto';

export class CreateReservationDto {
  @Identifier('5b8c6a1e-2f7d-4a43-9f55-0d3b2c1e9a77')
  orderId!: string;

  @LineItems()
  items!: LineItemDto[];
}

export class ReservationDto {
  @ApiProperty() orderId!: string;
  @ApiProperty({ type: [LineItemDto] }) items!: LineItemDto[];
}

/** Why a reservation was refused: one entry per sku without enough stock. */
export interface ShortItem {
  sku: string;
  requested: number;
  available: number;
}
