import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { ProductDto } from '@tracelab/contracts';
import { DownstreamClient, type ReadinessCheck } from '@tracelab/service-kit';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { reachable } from './reachable';

/** Typed calls to the inventory service; its errors arrive as the HttpException the gateway answers with. */
@Injectable()
export class InventoryClient implements ReadinessCheck {
  readonly name = 'inventory';
  private readonly http: DownstreamClient;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.http = new DownstreamClient({ name: this.name, baseUrl: config.INVENTORY_URL, timeoutMillis: config.DOWNSTREAM_TIMEOUT_MS });
  }

  async products(): Promise<ProductDto[]> {
    return (await this.http.request<ProductDto[]>('GET', '/products')).body;
  }

  /** One product with its recent sales; rejects with 404 when there is no such sku. */
  async product(sku: string): Promise<ProductDto> {
    return (await this.http.request<ProductDto>('GET', `/products/${encodeURIComponent(sku)}`)).body;
  }

  /** {@link product}, or undefined when it does not exist (any other failure still rejects). */
  async findProduct(sku: string): Promise<ProductDto | undefined> {
    try {
      return await this.product(sku);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 404) return undefined;
      throw error;
    }
  }

  check(): Promise<void> {
    return reachable(this.name, this.config.INVENTORY_URL);
  }
}
