import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE_SCHEMA, type SchemaState } from '@tracelab/service-kit';
import { TraceService } from '@tracelab/tracing';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';
import { InventoryClient } from '../inventory/inventory.client';
import { OrdersRepository } from '../orders/orders.repository';

/** Orders looked at per pass; the rest wait for the next one. */
const BATCH = 20;

export interface ReconcileResult {
  found: number;
  confirmed: number;
  rejected: number;
  /** Inventory could not say; tried again next pass. */
  leftPending: number;
}

/**
 * Settles orders whose request never did (process killed, database lost between INSERT and
 * confirm): inventory holds their stock → confirmed; it does not → rejected, and any late
 * reservation released. Runs at start-up and every RECONCILE_INTERVAL_MS; each pass that finds work
 * is its own trace ("reconcile pending orders"), so it shows in Jaeger next to the requests.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
    private readonly orders: OrdersRepository,
    private readonly inventory: InventoryClient,
    private readonly trace: TraceService,
    @Inject(DATABASE_SCHEMA) private readonly schema: SchemaState,
  ) {}

  onApplicationBootstrap(): void {
    // The first pass once the tables exist: the service listens before its migrations have run.
    void this.schema.ready.then(() => {
      if (this.stopped) return;
      this.tick();
      this.timer = setInterval(() => this.tick(), this.config.RECONCILE_INTERVAL_MS).unref();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass, unless the previous one is still running; failures (database down) wait for the next. */
  private tick(): void {
    if (this.running) return;
    this.running = this.reconcile()
      .catch((error: Error) => this.logger.warn(`reconcile pass failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  async reconcile(): Promise<ReconcileResult> {
    const after = this.config.RECONCILE_PENDING_AFTER_MS;
    if (!(await this.orders.hasStalePending(after))) return { found: 0, confirmed: 0, rejected: 0, leftPending: 0 };
    // A span of its own, and a new trace: nothing else would show a pass in Jaeger.
    return this.trace.withSpan('reconcile pending orders', () => this.settleBatch(after), { root: true });
  }

  private async settleBatch(after: number): Promise<ReconcileResult> {
    const result = await this.orders.withStalePending(after, BATCH, async (ids, settle) => {
      const r: ReconcileResult = { found: ids.length, confirmed: 0, rejected: 0, leftPending: 0 };
      for (const id of ids) {
        let reserved: boolean;
        try {
          reserved = await this.inventory.hasReservation(id);
        } catch (error) {
          r.leftPending++;
          this.trace.log('inventory could not tell; order stays pending', { 'order.id': id, 'error.message': (error as Error).message });
          continue;
        }
        if (reserved) {
          await settle(id, 'confirmed');
          r.confirmed++;
        } else {
          await settle(id, 'rejected', 'not reserved (reconciled)');
          await this.inventory.release(id);
          r.rejected++;
        }
        this.trace.log(reserved ? 'order confirmed' : 'order rejected', { 'order.id': id, 'reconciler.pending_after_ms': after });
        this.logger.log({ orderId: id }, `pending order ${reserved ? 'confirmed' : 'rejected'} by the reconciler`);
      }
      return r;
    });
    this.trace.setTags({
      'reconciler.found': result.found,
      'reconciler.confirmed': result.confirmed,
      'reconciler.rejected': result.rejected,
      'reconciler.left_pending': result.leftPending,
    });
    return result;
  }
}
