import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { LineItemDto, ReservationDto, ShortItem } from '@tracelab/contracts';
import { Faults, inTransaction, PG_POOL } from '@tracelab/service-kit';
import type { Pool, PoolClient } from 'pg';
import { SOLD_LAST_24H_UNINDEXED } from '../products/sales.queries';

@Injectable()
export class ReservationsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly faults: Faults,
  ) {}

  /**
   * All items or none. Product rows are locked in sku order (no deadlocks between two orders), stock
   * is checked under the lock, so concurrent reservations can never sell more than the stock.
   * Reserving again for the same order returns the existing reservation, even when the two attempts
   * overlap (a per-order advisory lock serialises them): callers may retry safely.
   */
  async reserve(orderId: string, items: LineItemDto[]): Promise<{ created: boolean; reservation: ReservationDto }> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [orderId]);
      const existing = await db.query<LineItemDto>('SELECT sku, quantity FROM reservations WHERE order_id = $1 ORDER BY sku', [orderId]);
      if (existing.rowCount) return { created: false, reservation: { orderId, items: existing.rows } };

      const skus = items.map((i) => i.sku);
      const slow = this.faults.on('timeout-retry');
      if (slow) await slow(() => this.scanSalesHistory(db, skus)); // timeout-retry: a sales-history check slower than orders waits
      const quantities = items.map((i) => i.quantity);
      const { rows } = await db.query<{ sku: string; stock: number }>(
        'SELECT sku, stock FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
        [skus],
      );
      const stock = new Map(rows.map((r) => [r.sku, r.stock]));
      const unknown = skus.filter((s) => !stock.has(s));
      if (unknown.length) throw new NotFoundException({ message: `unknown sku: ${unknown.join(', ')}`, unknownSkus: unknown });
      const short: ShortItem[] = items
        .filter((i) => (stock.get(i.sku) ?? 0) < i.quantity)
        .map((i) => ({ sku: i.sku, requested: i.quantity, available: stock.get(i.sku) ?? 0 }));
      if (short.length) {
        throw new ConflictException({ message: `insufficient stock for ${short.map((s) => s.sku).join(', ')}`, shortItems: short });
      }
      const contention = this.faults.on('lock-contention');
      if (contention) await contention(() => this.scanSalesHistory(db, skus)); // lock-contention: statistics recomputed while the product rows stay locked
      await db.query(
        `UPDATE products p SET stock = p.stock - r.quantity
           FROM unnest($1::text[], $2::int[]) AS r(sku, quantity) WHERE p.sku = r.sku`,
        [skus, quantities],
      );
      await db.query(
        'INSERT INTO reservations (order_id, sku, quantity) SELECT $1, sku, quantity FROM unnest($2::text[], $3::int[]) AS r(sku, quantity)',
        [orderId, skus, quantities],
      );
      await this.writeLedger(db, orderId, skus, quantities.map((q) => -q));
      return { created: true, reservation: { orderId, items } };
    });
  }

  async find(orderId: string): Promise<ReservationDto | undefined> {
    const { rows } = await this.pool.query<LineItemDto>('SELECT sku, quantity FROM reservations WHERE order_id = $1 ORDER BY sku', [orderId]);
    return rows.length ? { orderId, items: rows } : undefined;
  }

  /** Returns the reserved stock; false when the order had no reservation. */
  async release(orderId: string): Promise<boolean> {
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<LineItemDto>('DELETE FROM reservations WHERE order_id = $1 RETURNING sku, quantity', [orderId]);
      if (rows.length === 0) return false;
      const skus = rows.map((r) => r.sku);
      const quantities = rows.map((r) => r.quantity);
      await db.query(
        `UPDATE products p SET stock = p.stock + r.quantity
           FROM unnest($1::text[], $2::int[]) AS r(sku, quantity) WHERE p.sku = r.sku`,
        [skus, quantities],
      );
      await this.writeLedger(db, orderId, skus, quantities);
      return true;
    });
  }

  /** One ledger row per sku. */
  private async writeLedger(db: PoolClient, orderId: string, skus: string[], quantities: number[]): Promise<void> {
    const fault = this.faults.on('downstream-errors');
    // downstream-errors: in a share of requests a bug writes quantity 0; the ledger's CHECK refuses it, the reservation rolls back, 500
    if (fault && Math.random() < this.faults.errorRate()) return fault(() => this.insertLedger(db, orderId, skus, quantities.map(() => 0)));
    await this.insertLedger(db, orderId, skus, quantities);
  }

  private async insertLedger(db: PoolClient, orderId: string, skus: string[], quantities: number[]): Promise<void> {
    await db.query(
      'INSERT INTO stock_movements (sku, order_id, quantity) SELECT sku, $1, quantity FROM unnest($2::text[], $3::int[]) AS r(sku, quantity)',
      [orderId, skus, quantities],
    );
  }

  /** Sales statistics per sku with the ledger query that cannot use its index (~60 ms per sku here). */
  private async scanSalesHistory(db: PoolClient, skus: string[]): Promise<void> {
    for (const sku of skus) await db.query(SOLD_LAST_24H_UNINDEXED, [sku]);
  }
}
