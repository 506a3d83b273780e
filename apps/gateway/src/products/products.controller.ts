import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ProductDto, SKU_PATTERN } from '@tracelab/contracts';
import { InventoryClient } from '../downstream/inventory.client';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(private readonly inventory: InventoryClient) {}

  @Get()
  @ApiOkResponse({ type: [ProductDto] })
  list(): Promise<ProductDto[]> {
    return this.inventory.products();
  }

  @Get(':sku')
  @ApiOkResponse({ type: ProductDto })
  get(@Param('sku') sku: string): Promise<ProductDto> {
    if (!SKU_PATTERN.test(sku)) throw new BadRequestException(`sku must match ${SKU_PATTERN}`);
    return this.inventory.product(sku);
  }
}
