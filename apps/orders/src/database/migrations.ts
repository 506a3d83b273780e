import type { Migration } from '@tracelab/service-kit';

export const migrations: Migration[] = [
  {
    id: '001-orders',
    sql: `
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        sku text NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (order_id, sku)
      );`,
  },
  {
    // The reconciler's question: which orders are still pending, oldest first.
    id: '002-orders-pending-idx',
    sql: "CREATE INDEX orders_pending_created_idx ON orders (created_at) WHERE status = 'pending'",
  },
];
