import { Global, Module } from '@nestjs/common';
import { DownstreamClient, type ReadinessCheck } from '@tracelab/service-kit';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const ORDERS = Symbol('ORDERS');
export const INVENTORY = Symbol('INVENTORY');
export const ORDERS_READINESS = Symbol('ORDERS_READINESS');
export const INVENTORY_READINESS = Symbol('INVENTORY_READINESS');

/** Ready when the downstream's process answers; its own readiness covers its database. */
const reachable = (name: string, baseUrl: string): ReadinessCheck => ({
  name,
  async check() {
    const res = await fetch(new URL('/health/live', baseUrl), { signal: AbortSignal.timeout(1000) });
    if (!res.ok) throw new Error(`${name} answered ${res.status}`);
  },
});

@Global()
@Module({
  providers: [
    {
      provide: ORDERS,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => new DownstreamClient({ name: 'orders', baseUrl: c.ORDERS_URL, timeoutMillis: c.DOWNSTREAM_TIMEOUT_MS }),
    },
    {
      provide: INVENTORY,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) =>
        new DownstreamClient({ name: 'inventory', baseUrl: c.INVENTORY_URL, timeoutMillis: c.DOWNSTREAM_TIMEOUT_MS }),
    },
    { provide: ORDERS_READINESS, inject: [GATEWAY_CONFIG], useFactory: (c: GatewayConfig) => reachable('orders', c.ORDERS_URL) },
    { provide: INVENTORY_READINESS, inject: [GATEWAY_CONFIG], useFactory: (c: GatewayConfig) => reachable('inventory', c.INVENTORY_URL) },
  ],
  exports: [ORDERS, INVENTORY, ORDERS_READINESS, INVENTORY_READINESS],
})
export class DownstreamModule {}
