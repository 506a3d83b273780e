import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool } from 'pg';
import { inTransaction, PG_POOL } from '@tracelab/service-kit';
import type { LineItemDto, ReservationDto, ShortItem } from '@tracelab/contracts';

@Injectable()
export class ReservationsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * All items or none. Product rows are locked in sku order (no deadlocks between two orders), stock
   * is checked under the lock, so concurrent reservations can never sell more than the stock.
   * Reserving again for the same order returns the existing reservation (safe to retry).
   */
  async reserve(orderId: string, items: LineItemDto[]): Promise<{ created: boolean; reservation: ReservationDto }> {
    return inTransaction(this.pool, async (db) => {
      const existing = await db.query<LineItemDto>(
        'SELECT sku, quantity FROM reservations WHERE order_id = $1 ORDER BY sku FOR UPDATE',
        [orderId],
      );
      if (existing.rowCount) return { created: false, reservation: { orderId, items: existing.rows } };

      const skus = items.map((i) => i.sku);
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
      await db.query(
        `UPDATE products p SET stock = p.stock - r.quantity
           FROM unnest($1::text[], $2::int[]) AS r(sku, quantity) WHERE p.sku = r.sku`,
        [skus, quantities],
      );
      await db.query(
        'INSERT INTO reservations (order_id, sku, quantity) SELECT $1, sku, quantity FROM unnest($2::text[], $3::int[]) AS r(sku, quantity)',
        [orderId, skus, quantities],
      );
      return { created: true, reservation: { orderId, items } };
    });
  }

  /** Returns the reserved stock; false when the order had no reservation. */
  async release(orderId: string): Promise<boolean> {
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<LineItemDto>('DELETE FROM reservations WHERE order_id = $1 RETURNING sku, quantity', [orderId]);
      if (rows.length === 0) return false;
      await db.query(
        `UPDATE products p SET stock = p.stock + r.quantity
           FROM unnest($1::text[], $2::int[]) AS r(sku, quantity) WHERE p.sku = r.sku`,
        [rows.map((r) => r.sku), rows.map((r) => r.quantity)],
      );
      return true;
    });
  }
}
