import { baseConfigSchema, loadConfig, port } from '@tracelab/service-kit';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  PORT: port(8082),
  /** postgres://user:password@host:port/inventory */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});

export type InventoryConfig = z.infer<typeof schema>;

export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return loadConfig(schema, env);
}
