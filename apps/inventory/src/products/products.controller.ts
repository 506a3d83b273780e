import { BadRequestException, Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TraceService } from '@tracelab/tracing';
import { ProductDto, SKU_PATTERN } from '@tracelab/contracts';
import { ProductsRepository } from './products.repository';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(
    private readonly products: ProductsRepository,
    private readonly trace: TraceService,
  ) {}

  @Get()
  @ApiOkResponse({ type: [ProductDto] })
  async list(): Promise<ProductDto[]> {
    const products = await this.products.list();
    this.trace.setTags({ 'product.count': products.length });
    return products;
  }

  @Get(':sku')
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse()
  async get(@Param('sku') sku: string): Promise<ProductDto> {
    if (!SKU_PATTERN.test(sku)) throw new BadRequestException(`sku must match ${SKU_PATTERN}`);
    this.trace.setTags({ 'product.sku': sku });
    const product = await this.products.find(sku);
    if (!product) throw new NotFoundException(`product ${sku} not found`);
    return product;
  }
}
