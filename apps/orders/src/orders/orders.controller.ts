import { Body, Controller, Get, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Faults } from '@tracelab/service-kit';
import { TraceService } from '@tracelab/tracing';
import { CreateOrderDto, OrderDto, ParseIdPipe } from '@tracelab/contracts';
import { withDiscount } from './order-view';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly service: OrdersService,
    private readonly orders: OrdersRepository,
    private readonly trace: TraceService,
    private readonly faults: Faults,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: OrderDto })
  @ApiConflictResponse({ description: 'Insufficient stock: the order is stored as rejected; `shortItems` names the skus' })
  place(@Body() body: CreateOrderDto): Promise<OrderDto> {
    this.trace.setTags({ 'customer.id': body.customerId });
    return this.service.place(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderDto })
  async get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<OrderDto> {
    this.trace.setTags({ 'order.id': id });
    const order = await this.orders.find(id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    const fault = this.faults.on('exception');
    if (fault) return fault(() => withDiscount(order)); // exception: reads a discount this order does not have
    return order;
  }

  @Get()
  @ApiQuery({ name: 'customerId', required: true })
  @ApiOkResponse({ type: [OrderDto] })
  async list(@Query('customerId', new ParseIdPipe('customerId query parameter')) customerId: string): Promise<OrderDto[]> {
    this.trace.setTags({ 'customer.id': customerId });
    return this.orders.listByCustomer(customerId);
  }
}
