import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DownstreamClient } from '@tracelab/service-kit';
import { ORDERS } from '../downstream/downstream.module';
import { CreateOrderDto, OrderDto, ParseIdPipe } from '@tracelab/contracts';
import { CustomerOrdersService, type CustomerOrderDto } from './customer-orders.service';

/** Validates at the edge, then forwards: a bad request never costs a downstream call. */
@ApiTags('orders')
@Controller('api')
export class OrdersController {
  constructor(
    @Inject(ORDERS) private readonly orders: DownstreamClient,
    private readonly customerOrders: CustomerOrdersService,
  ) {}

  @Post('orders')
  @ApiCreatedResponse({ type: OrderDto })
  @ApiConflictResponse({ description: 'Insufficient stock; `shortItems` names the skus' })
  async place(@Body() body: CreateOrderDto): Promise<OrderDto> {
    return (await this.orders.request<OrderDto>('POST', '/orders', body)).body;
  }

  @Get('orders/:id')
  @ApiOkResponse({ type: OrderDto })
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<OrderDto> {
    return (await this.orders.request<OrderDto>('GET', `/orders/${id}`)).body;
  }

  @Get('customers/:id/orders')
  @ApiOkResponse({ type: [OrderDto] })
  async byCustomer(@Param('id', new ParseIdPipe('customer id')) customerId: string): Promise<CustomerOrderDto[]> {
    return this.customerOrders.list(customerId);
  }
}
