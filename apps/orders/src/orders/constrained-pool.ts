import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ATTR_FAULT, createPool, Faults } from '@tracelab/service-kit';
import { withSpanAttributes } from '@tracelab/tracing';
import type { Pool } from 'pg';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';

/**
 * pool-exhaustion's strategy: a second pool of `faults.poolSize()` connections (1 by default),
 * created on first use and shared by every faulty request, so they queue for a connection. Its
 * connection waits (`pg-pool.connect` spans) carry `tracelab.fault=pool-exhaustion`.
 */
@Injectable()
export class ConstrainedPool implements OnApplicationShutdown {
  private pool?: Pool;

  constructor(
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
    private readonly faults: Faults,
  ) {}

  get(): Pool {
    return (this.pool ??= this.create());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }

  private create(): Pool {
    const pool = createPool({ url: this.config.DATABASE_URL, max: this.faults.poolSize(), applicationName: 'orders-constrained' });
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
    // pool.query checks out through this.connect too, so every wait for a connection is tagged.
    pool.connect = ((...args: unknown[]) => withSpanAttributes({ [ATTR_FAULT]: 'pool-exhaustion' }, () => connect(...args))) as Pool['connect'];
    return pool;
  }
}
