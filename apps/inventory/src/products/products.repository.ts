import { Inject, Injectable } from '@nestjs/common';
import type { ProductDto } from '@tracelab/contracts';
import { Faults, PG_POOL } from '@tracelab/service-kit';
import type { Pool } from 'pg';
import { SOLD_LAST_24H, SOLD_LAST_24H_UNINDEXED } from './sales.queries';

interface ProductRow {
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

const toDto = (r: ProductRow, soldLast24h?: number): ProductDto => ({
  sku: r.sku,
  name: r.name,
  price: r.price_cents / 100,
  stock: r.stock,
  ...(soldLast24h === undefined ? {} : { soldLast24h }),
});

@Injectable()
export class ProductsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly faults: Faults,
  ) {}

  async list(): Promise<ProductDto[]> {
    const { rows } = await this.pool.query<ProductRow>('SELECT sku, name, price_cents, stock FROM products ORDER BY sku');
    return rows.map((r) => toDto(r));
  }

  /** One product with its sales of the last 24 hours. */
  async find(sku: string): Promise<ProductDto | undefined> {
    const { rows } = await this.pool.query<ProductRow>('SELECT sku, name, price_cents, stock FROM products WHERE sku = $1', [sku]);
    if (!rows[0]) return undefined;
    return toDto(rows[0], await this.soldLast24h(sku));
  }

  /** Units sold in the last 24 hours, from the stock ledger. */
  private async soldLast24h(sku: string): Promise<number> {
    const run = async (query: string) => (await this.pool.query<{ sold: number }>(query, [sku])).rows[0].sold;
    const fault = this.faults.on('slow-query');
    if (fault) return fault(() => run(SOLD_LAST_24H_UNINDEXED)); // slow-query: expressions on the indexed columns make PostgreSQL scan the ledger
    return run(SOLD_LAST_24H);
  }
}
