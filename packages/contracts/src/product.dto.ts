import { ApiProperty } from '@nestjs/swagger';

export class ProductDto {
  @ApiProperty({ example: 'SKU-001' }) sku!: string;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name!: string;
  @ApiProperty({ example: 24.9, description: 'Unit price in EUR' }) price!: number;
  @ApiProperty({ example: 500 }) stock!: number;
  @ApiProperty({ example: 42, required: false, description: 'Units sold in the last 24 hours (single-product view only)' })
  soldLast24h?: number;
}
