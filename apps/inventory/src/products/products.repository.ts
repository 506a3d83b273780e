import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@tracelab/service-kit';
import type { ProductDto } from '@tracelab/contracts';

interface ProductRow {
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

const toDto = (r: ProductRow): ProductDto => ({ sku: r.sku, name: r.name, price: r.price_cents / 100, stock: r.stock });

@Injectable()
export class ProductsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async list(): Promise<ProductDto[]> {
    const { rows } = await this.pool.query<ProductRow>('SELECT sku, name, price_cents, stock FROM products ORDER BY sku');
    return rows.map(toDto);
  }

  async find(sku: string): Promise<ProductDto | undefined> {
    const { rows } = await this.pool.query<ProductRow>('SELECT sku, name, price_cents, stock FROM products WHERE sku = $1', [sku]);
    return rows[0] && toDto(rows[0]);
  }
}
