import type { OrderDto } from '@tracelab/contracts';

/**
 * The exception scenario's view of an order, answered by GET /orders/:id only while that fault is
 * on (orders.controller.ts): it reads a discount that only some orders would have and none has
 * here, so it throws a TypeError (an unhandled exception).
 */
export function withDiscount(order: OrderDto): OrderDto {
  const discount = (order as OrderDto & { discount?: { code: string } }).discount;
  return { ...order, reason: order.reason ?? `discount ${discount!.code}` };
}
