import { Inject, Injectable } from '@nestjs/common';
import type { OrderDto, ProductDto } from '@tracelab/contracts';
import { Faults, type DownstreamClient } from '@tracelab/service-kit';
import { INVENTORY, ORDERS } from '../downstream/downstream.module';

export type CustomerOrderDto = OrderDto & { items: Array<OrderDto['items'][number] & { name?: string; price?: number }> };

/** A customer's orders, each item named and priced from inventory. */
@Injectable()
export class CustomerOrdersService {
  constructor(
    @Inject(ORDERS) private readonly orders: DownstreamClient,
    @Inject(INVENTORY) private readonly inventory: DownstreamClient,
    private readonly faults: Faults,
  ) {}

  async list(customerId: string): Promise<CustomerOrderDto[]> {
    const orders = (await this.orders.request<OrderDto[]>('GET', `/orders?customerId=${encodeURIComponent(customerId)}`)).body;
    const skus = [...new Set(orders.flatMap((o) => o.items.map((i) => i.sku)))];
    // sequential-fanout: one lookup after another, where the lookups do not depend on each other.
    const products = await this.faults.choose(
      'sequential-fanout',
      async () => {
        const found: Array<ProductDto | undefined> = [];
        for (const sku of skus) found.push(await this.product(sku));
        return found;
      },
      () => Promise.all(skus.map((sku) => this.product(sku))),
    );
    const bySku = new Map(products.filter((p): p is ProductDto => !!p).map((p) => [p.sku, p]));
    return orders.map((o) => ({ ...o, items: o.items.map((i) => ({ ...i, name: bySku.get(i.sku)?.name, price: bySku.get(i.sku)?.price })) }));
  }

  /** A product that has since disappeared leaves its items unnamed rather than failing the view. */
  private async product(sku: string): Promise<ProductDto | undefined> {
    try {
      return (await this.inventory.request<ProductDto>('GET', `/products/${encodeURIComponent(sku)}`)).body;
    } catch (error) {
      if ((error as { getStatus?: () => number }).getStatus?.() === 404) return undefined;
      throw error;
    }
  }
}
