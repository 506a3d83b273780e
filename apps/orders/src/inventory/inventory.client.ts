import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { LineItemDto } from '@tracelab/contracts';
import { DownstreamClient, Faults } from '@tracelab/service-kit';
import { TraceService, withSpanAttributes } from '@tracelab/tracing';
import { setTimeout as sleep } from 'node:timers/promises';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';

/** Typed calls to the inventory service. */
@Injectable()
export class InventoryClient {
  private readonly http: DownstreamClient;

  constructor(
    @Inject(ORDERS_CONFIG) config: OrdersConfig,
    private readonly faults: Faults,
    private readonly trace: TraceService,
  ) {
    this.http = new DownstreamClient({ name: 'inventory', baseUrl: config.INVENTORY_URL, timeoutMillis: config.INVENTORY_TIMEOUT_MS });
  }

  /** Resolves when every item is reserved; rejects with 409 (short items), 404, 502 or 504. */
  async reserve(orderId: string, items: LineItemDto[]): Promise<void> {
    const body = { orderId, items };
    const fault = this.faults.on('timeout-retry');
    if (fault) return fault(() => this.withRetries(body)); // timeout-retry: each attempt's timeout is shorter than inventory needs
    await this.http.request('POST', '/reservations', body);
  }

  /** Whether inventory holds stock for the order: true (200), false (404); rejects when it cannot tell. */
  async hasReservation(orderId: string): Promise<boolean> {
    try {
      await this.http.request('GET', `/reservations/${encodeURIComponent(orderId)}`);
      return true;
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 404) return false;
      throw error;
    }
  }

  /** Best effort: a reservation made after we stopped waiting must not keep stock forever. */
  async release(orderId: string): Promise<void> {
    await this.http.request('DELETE', `/reservations/${encodeURIComponent(orderId)}`).catch(() => undefined);
  }

  /**
   * Retries 5xx and timeouts with exponential backoff, the last attempt with the normal timeout; safe because inventory treats a repeated
   * reservation of one order as the same reservation. Each attempt's CLIENT span carries
   * `tracelab.attempt` (1, 2, …) and, for retries, `http.request.resend_count`.
   */
  private async withRetries(body: object): Promise<void> {
    const { attempts, timeoutMillis } = this.faults.retry();
    for (let attempt = 1; ; attempt++) {
      const attributes = attempt === 1 ? { 'tracelab.attempt': 1 } : { 'tracelab.attempt': attempt, 'http.request.resend_count': attempt - 1 };
      try {
        // The last attempt waits as long as a normal call: the order then fails only if inventory really is down.
        const timeout = attempt < attempts ? timeoutMillis : undefined;
        await withSpanAttributes(attributes, () => this.http.request('POST', '/reservations', body, timeout));
        return;
      } catch (error) {
        const retriable = error instanceof HttpException && error.getStatus() >= 500;
        if (!retriable || attempt >= attempts) throw error;
        const backoff = timeoutMillis * 2 ** (attempt - 1);
        this.trace.log('retrying inventory call', { 'tracelab.attempt': attempt, 'retry.backoff_ms': backoff, 'http.response.status_code': error.getStatus() });
        await sleep(backoff);
      }
    }
  }
}
