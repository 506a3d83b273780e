import { Inject, Injectable } from '@nestjs/common';
import { DownstreamClient } from '@tracelab/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';
import type { LineItemDto } from '@tracelab/contracts';

/** Typed calls to the inventory service. */
@Injectable()
export class InventoryClient {
  private readonly http: DownstreamClient;

  constructor(@Inject(ORDERS_CONFIG) config: OrdersConfig) {
    this.http = new DownstreamClient({ name: 'inventory', baseUrl: config.INVENTORY_URL, timeoutMillis: config.INVENTORY_TIMEOUT_MS });
  }

  /** Resolves when every item is reserved; rejects with 409 (short items), 404, 502 or 504. */
  async reserve(orderId: string, items: LineItemDto[]): Promise<void> {
    await this.http.request('POST', '/reservations', { orderId, items });
  }

  /** Best effort: a reservation made after we stopped waiting must not keep stock forever. */
  async release(orderId: string): Promise<void> {
    await this.http.request('DELETE', `/reservations/${encodeURIComponent(orderId)}`).catch(() => undefined);
  }
}
