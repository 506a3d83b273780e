import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { httpError, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '@tracelab/service-kit';
import { TraceService } from '@tracelab/tracing';
import { randomUUID } from 'node:crypto';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';
import { InventoryClient } from '../inventory/inventory.client';
import { Admission } from './admission';
import type { CreateOrderDto, OrderDto } from '@tracelab/contracts';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  private readonly admission: Admission;

  constructor(
    private readonly orders: OrdersRepository,
    private readonly inventory: InventoryClient,
    private readonly trace: TraceService,
    @Inject(ORDERS_CONFIG) config: OrdersConfig,
  ) {
    this.admission = new Admission(config.ORDERS_IN_FLIGHT_MAX ?? 2 * config.DB_POOL_MAX, config.ORDERS_QUEUE_TIMEOUT_MS);
  }

  /**
   * pending → reserve stock → confirmed, or rejected with the reason. Whatever inventory does, the
   * order never stays pending: a failure settles it as rejected before the error goes back up. Only
   * losing our own database after the INSERT can leave it pending; the reconciler settles it then.
   */
  place(input: CreateOrderDto): Promise<OrderDto> {
    return this.admission.run(() => this.placeNow(input));
  }

  private async placeNow(input: CreateOrderDto): Promise<OrderDto> {
    const id = randomUUID();
    this.trace.setTags({ 'order.id': id, 'order.item_count': input.items.length });
    await this.orders.createPending(id, input.customerId, input.items);
    try {
      return await this.reserveAndSettle(id, input);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      // Retrying would place a second order: the body names this one, so the client can look it up.
      this.trace.recordError(error);
      throw httpError(503, {
        message: `orders lost its database; order ${id} stays pending until the reconciler settles it`,
        service: 'orders',
        orderId: id,
        cause: (error as { code?: string }).code,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  private async reserveAndSettle(id: string, input: CreateOrderDto): Promise<OrderDto> {
    try {
      await this.inventory.reserve(id, input.items);
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 500;
      const reason = status === 409 ? 'insufficient stock' : status < 500 ? 'invalid items' : 'inventory unavailable';
      await this.orders.settle(id, 'rejected', reason);
      this.trace.log('order rejected', { 'order.id': id, 'order.reason': reason });
      if (status >= 500) {
        // Inventory may still have reserved after we stopped waiting: give the stock back.
        await this.inventory.release(id);
        this.logger.warn({ orderId: id, status }, 'order rejected: inventory unavailable');
      }
      if (error instanceof HttpException) throw withOrderId(error, id);
      throw error;
    }
    await this.orders.settle(id, 'confirmed');
    this.trace.log('order confirmed', { 'order.id': id });
    this.logger.log({ orderId: id }, 'order confirmed');
    return (await this.orders.find(id))!;
  }
}

/** Adds the rejected order's id to the error body, so the client can look the order up. */
function withOrderId(error: HttpException, orderId: string): HttpException {
  const response = error.getResponse();
  const body = typeof response === 'object' && response !== null ? response : { message: response };
  return httpError(error.getStatus(), { ...body, orderId });
}
