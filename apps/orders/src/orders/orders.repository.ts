import { Inject, Injectable } from '@nestjs/common';
import type { LineItemDto, OrderDto, OrderStatus } from '@tracelab/contracts';
import { Faults, inTransaction, PG_POOL } from '@tracelab/service-kit';
import type { Pool } from 'pg';
import { ConstrainedPool } from './constrained-pool';

export interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  reason: string | null;
  created_at: Date;
  items: LineItemDto[];
}

export type Settle = (id: string, status: Exclude<OrderStatus, 'pending'>, reason?: string) => Promise<void>;

const toDto = (r: OrderRow): OrderDto => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  ...(r.reason ? { reason: r.reason } : {}),
  items: r.items,
  createdAt: r.created_at.toISOString(),
});

const ORDER_COLUMNS = 'o.id, o.customer_id, o.status, o.reason, o.created_at';
const SELECT_WITH_ITEMS = `
  SELECT ${ORDER_COLUMNS},
         coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity) ORDER BY i.sku)
                  FILTER (WHERE i.sku IS NOT NULL), '[]') AS items
    FROM orders o LEFT JOIN order_items i ON i.order_id = o.id`;

@Injectable()
export class OrdersRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly constrained: ConstrainedPool,
    private readonly faults: Faults,
  ) {}

  /** The order and its items in one transaction: never an order without its items. */
  async createPending(id: string, customerId: string, items: LineItemDto[]): Promise<void> {
    await inTransaction(this.db(), async (db) => {
      await db.query("INSERT INTO orders (id, customer_id, status) VALUES ($1, $2, 'pending')", [id, customerId]);
      await db.query(
        'INSERT INTO order_items (order_id, sku, quantity) SELECT $1, sku, quantity FROM unnest($2::text[], $3::int[]) AS i(sku, quantity)',
        [id, items.map((i) => i.sku), items.map((i) => i.quantity)],
      );
    });
  }

  /** Moves a pending order to its final status; a no-op if it already left "pending". */
  async settle(id: string, status: Exclude<OrderStatus, 'pending'>, reason?: string): Promise<void> {
    await this.db().query("UPDATE orders SET status = $2, reason = $3, updated_at = now() WHERE id = $1 AND status = 'pending'", [id, status, reason ?? null]);
  }

  /**
   * Runs `work` on up to `limit` orders pending for longer than `olderThanMillis`, oldest first, with
   * their rows locked until it returns. SKIP LOCKED: replicas reconciling at once take different
   * orders, and a request still settling its own order simply waits for the lock.
   */
  async withStalePending<T>(olderThanMillis: number, limit: number, work: (ids: string[], settle: Settle) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM orders WHERE status = 'pending' AND created_at < now() - $1 * interval '1 millisecond'
          ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [olderThanMillis, limit],
      );
      const settle: Settle = async (id, status, reason) => {
        await db.query('UPDATE orders SET status = $2, reason = $3, updated_at = now() WHERE id = $1', [id, status, reason ?? null]);
      };
      return work(rows.map((r) => r.id), settle);
    });
  }

  /** A cheap look, outside any trace, before the reconciler opens one. */
  async hasStalePending(olderThanMillis: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM orders WHERE status = 'pending' AND created_at < now() - $1 * interval '1 millisecond') AS found`,
      [olderThanMillis],
    );
    return rows[0].found;
  }

  async find(id: string): Promise<OrderDto | undefined> {
    const { rows } = await this.db().query<OrderRow>(`${SELECT_WITH_ITEMS} WHERE o.id = $1 GROUP BY o.id`, [id]);
    return rows[0] && toDto(rows[0]);
  }

  /** Most recent first, items included, in one query. */
  async listByCustomer(customerId: string, limit = 50): Promise<OrderDto[]> {
    const db = this.db();
    const fault = this.faults.on('n-plus-one');
    if (fault) return fault(() => this.listItemsPerOrder(db, customerId, limit)); // n-plus-one: one more query per order for its items
    const { rows } = await db.query<OrderRow>(`${SELECT_WITH_ITEMS} WHERE o.customer_id = $1 GROUP BY o.id ORDER BY o.created_at DESC LIMIT $2`, [customerId, limit]);
    return rows.map(toDto);
  }

  private async listItemsPerOrder(db: Pool, customerId: string, limit: number): Promise<OrderDto[]> {
    const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT $2`, [customerId, limit]);
    for (const row of rows) {
      row.items = (await db.query<LineItemDto>('SELECT sku, quantity FROM order_items WHERE order_id = $1 ORDER BY sku', [row.id])).rows;
    }
    return rows.map(toDto);
  }

  /** The pool a request's queries go through. */
  private db(): Pool {
    if (this.faults.on('pool-exhaustion')) return this.constrained.get(); // pool-exhaustion: every faulty request shares a pool of faults.poolSize()
    return this.pool;
  }
}
