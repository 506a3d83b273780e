import { Inject, Injectable } from '@nestjs/common';
import type { CreateOrderDto, OrderDto } from '@tracelab/contracts';
import { DownstreamClient, type ReadinessCheck } from '@tracelab/service-kit';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { reachable } from './reachable';

/** Typed calls to the orders service; its errors arrive as the HttpException the gateway answers with. */
@Injectable()
export class OrdersClient implements ReadinessCheck {
  readonly name = 'orders';
  private readonly http: DownstreamClient;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.http = new DownstreamClient({ name: this.name, baseUrl: config.ORDERS_URL, timeoutMillis: config.DOWNSTREAM_TIMEOUT_MS });
  }

  async place(order: CreateOrderDto): Promise<OrderDto> {
    return (await this.http.request<OrderDto>('POST', '/orders', order)).body;
  }

  async get(id: string): Promise<OrderDto> {
    return (await this.http.request<OrderDto>('GET', `/orders/${encodeURIComponent(id)}`)).body;
  }

  /** A customer's orders, most recent first. */
  async byCustomer(customerId: string): Promise<OrderDto[]> {
    return (await this.http.request<OrderDto[]>('GET', `/orders?customerId=${encodeURIComponent(customerId)}`)).body;
  }

  check(): Promise<void> {
    return reachable(this.name, this.config.ORDERS_URL);
  }
}
