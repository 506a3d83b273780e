import { Injectable } from '@nestjs/common';
import type { OrderDto, ProductDto } from '@tracelab/contracts';
import { Faults } from '@tracelab/service-kit';
import { Traced } from '@tracelab/tracing';
import { InventoryClient } from '../downstream/inventory.client';
import { OrdersClient } from '../downstream/orders.client';

export type CustomerOrderDto = OrderDto & { items: Array<OrderDto['items'][number] & { name?: string; price?: number }> };

/** A customer's orders, each item named and priced from inventory. */
@Injectable()
export class CustomerOrdersService {
  constructor(
    private readonly orders: OrdersClient,
    private readonly inventory: InventoryClient,
    private readonly faults: Faults,
  ) {}

  async list(customerId: string): Promise<CustomerOrderDto[]> {
    const orders = await this.orders.byCustomer(customerId);
    const products = await this.products([...new Set(orders.flatMap((o) => o.items.map((i) => i.sku)))]);
    const bySku = new Map(products.filter((p): p is ProductDto => !!p).map((p) => [p.sku, p]));
    return orders.map((o) => ({ ...o, items: o.items.map((i) => ({ ...i, name: bySku.get(i.sku)?.name, price: bySku.get(i.sku)?.price })) }));
  }

  /**
   * One span over all the lookups, so the fan-out reads as one step of the request. A product that
   * has since disappeared leaves its items unnamed rather than failing the view.
   */
  @Traced('look up products')
  private async products(skus: string[]): Promise<Array<ProductDto | undefined>> {
    const fault = this.faults.on('sequential-fanout');
    if (fault) return fault(() => this.oneAfterAnother(skus)); // sequential-fanout: independent lookups awaited one by one
    return Promise.all(skus.map((sku) => this.inventory.findProduct(sku)));
  }

  private async oneAfterAnother(skus: string[]): Promise<Array<ProductDto | undefined>> {
    const found: Array<ProductDto | undefined> = [];
    for (const sku of skus) found.push(await this.inventory.findProduct(sku));
    return found;
  }
}
