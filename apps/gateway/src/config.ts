import { baseConfigSchema, loadConfig, millis, port, url } from '@tracelab/service-kit';
import { z } from 'zod';

const schema = baseConfigSchema.extend({
  PORT: port(8080),
  ORDERS_URL: url().default('http://localhost:8081'),
  INVENTORY_URL: url().default('http://localhost:8082'),
  /** Per-call timeout towards orders and inventory; above it the gateway answers 504. */
  DOWNSTREAM_TIMEOUT_MS: millis(5000),
});

export type GatewayConfig = z.infer<typeof schema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(schema, env);
}
