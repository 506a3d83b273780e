import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { LineItemDto, LineItems } from './line-item.dto';
import { ID_PATTERN, ID_RULE } from './patterns';

export class CreateReservationDto {
  @ApiProperty({ example: '5b8c6a1e-2f7d-4a43-9f55-0d3b2c1e9a77' })
  @IsString()
  @Matches(ID_PATTERN, { message: `orderId must be ${ID_RULE}` })
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
