import { BadRequestException, Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DownstreamClient } from '@tracelab/service-kit';
import { INVENTORY } from '../downstream/downstream.module';
import { ProductDto, SKU_PATTERN } from '@tracelab/contracts';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(@Inject(INVENTORY) private readonly inventory: DownstreamClient) {}

  @Get()
  @ApiOkResponse({ type: [ProductDto] })
  async list(): Promise<ProductDto[]> {
    return (await this.inventory.request<ProductDto[]>('GET', '/products')).body;
  }

  @Get(':sku')
  @ApiOkResponse({ type: ProductDto })
  async get(@Param('sku') sku: string): Promise<ProductDto> {
    if (!SKU_PATTERN.test(sku)) throw new BadRequestException(`sku must match ${SKU_PATTERN}`);
    return (await this.inventory.request<ProductDto>('GET', `/products/${sku}`)).body;
  }
}
