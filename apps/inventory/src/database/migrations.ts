import type { Migration } from '@tracelab/service-kit';

/** Seed catalogue: enough variety for the demo, one low-stock item to hit "out of stock" quickly. */
const products: Array<[sku: string, name: string, priceCents: number, stock: number]> = [
  ['SKU-001', 'Espresso beans 1 kg', 2490, 500],
  ['SKU-002', 'Ceramic pour-over dripper', 3200, 200],
  ['SKU-003', 'Paper filters (100)', 650, 1000],
  ['SKU-004', 'Gooseneck kettle', 7900, 120],
  ['SKU-005', 'Burr grinder', 14900, 60],
  ['SKU-006', 'Milk frothing pitcher', 1800, 300],
  ['SKU-007', 'Digital scale', 2900, 150],
  ['SKU-008', 'Cold brew bottle', 2200, 250],
  ['SKU-009', 'Travel mug', 1900, 400],
  ['SKU-010', 'Limited edition roast 250 g', 1590, 5],
];

export const migrations: Migration[] = [
  {
    id: '001-products-and-reservations',
    sql: `
      CREATE TABLE products (
        sku text PRIMARY KEY,
        name text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        stock integer NOT NULL CHECK (stock >= 0)
      );
      CREATE TABLE reservations (
        order_id text NOT NULL,
        sku text NOT NULL REFERENCES products (sku),
        quantity integer NOT NULL CHECK (quantity > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (order_id, sku)
      );`,
  },
  {
    id: '002-seed-products',
    sql:
      'INSERT INTO products (sku, name, price_cents, stock) VALUES ' +
      products.map(([sku, name, price, stock]) => `('${sku}', '${name.replace(/'/g, "''")}', ${price}, ${stock})`).join(', ') +
      ' ON CONFLICT (sku) DO NOTHING',
  },
  {
    // The stock ledger: every reservation and release writes here. 400 000 rows of seeded history (30
    // days of sales) make a query that cannot use the index visibly slow (slow-query scenario).
    id: '003-stock-movements',
    sql: `
      CREATE TABLE stock_movements (
        id bigserial PRIMARY KEY,
        sku text NOT NULL REFERENCES products (sku),
        order_id text,
        quantity integer NOT NULL CHECK (quantity <> 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO stock_movements (sku, order_id, quantity, created_at)
        SELECT 'SKU-' || lpad((1 + i % 10)::text, 3, '0'), 'history-' || i, -(1 + i % 3), now() - (i % 43200) * interval '1 minute'
          FROM generate_series(1, 400000) AS i;
      CREATE INDEX stock_movements_sku_created_idx ON stock_movements (sku, created_at);
      ANALYZE stock_movements;`,
  },
];
