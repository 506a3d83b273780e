import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateOrderDto, OrderDto, ParseIdPipe } from '@tracelab/contracts';
import { OrdersClient } from '../downstream/orders.client';
import { CustomerOrdersService, type CustomerOrderDto } from './customer-orders.service';

/** Validates at the edge, then forwards: a bad request never costs a downstream call. */
@ApiTags('orders')
@Controller('api')
export class OrdersController {
  constructor(
    private readonly orders: OrdersClient,
    private readonly customerOrders: CustomerOrdersService,
  ) {}

  @Post('orders')
  @ApiCreatedResponse({ type: OrderDto })
  @ApiConflictResponse({ description: 'Insufficient stock; `shortItems` names the skus' })
  place(@Body() body: CreateOrderDto): Promise<OrderDto> {
    return this.orders.place(body);
  }

  @Get('orders/:id')
  @ApiOkResponse({ type: OrderDto })
  get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<OrderDto> {
    return this.orders.get(id);
  }

  @Get('customers/:id/orders')
  @ApiOkResponse({ type: [OrderDto] })
  byCustomer(@Param('id', new ParseIdPipe('customer id')) customerId: string): Promise<CustomerOrderDto[]> {
    return this.customerOrders.list(customerId);
  }
}
