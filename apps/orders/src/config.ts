import { baseConfigSchema, loadConfig, millis, port, url } from '@tracelab/service-kit';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  PORT: port(8081),
  /** postgres://user:password@host:port/orders */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  INVENTORY_URL: url().default('http://localhost:8082'),
  /** Per-call timeout towards inventory. */
  INVENTORY_TIMEOUT_MS: millis(2000),
  /** An order still pending after this long lost its request (crash, database outage): the reconciler settles it. */
  RECONCILE_PENDING_AFTER_MS: millis(30_000),
  /** How often the reconciler looks for such orders (it also runs once at start-up). */
  RECONCILE_INTERVAL_MS: millis(10_000),
  /** Orders placed at once; more wait before writing anything (default: 2 × DB_POOL_MAX: each holds a connection only briefly). */
  ORDERS_IN_FLIGHT_MAX: z.coerce.number().int().min(1).max(1000).optional(),
  /** Longest such a wait; then 503, nothing written. Below the gateway's timeout, so a client never gives up on an order that is written later. */
  ORDERS_QUEUE_TIMEOUT_MS: millis(3000),
});

export type OrdersConfig = z.infer<typeof schema>;

export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');

export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return loadConfig(schema, env);
}
