import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ATTR_FAULT, createPool, Faults } from '@tracelab/service-kit';
import { SpanKind } from '@opentelemetry/api';
import { withSpan, withSpanAttributes } from '@tracelab/tracing';
import type { Pool, PoolClient } from 'pg';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';

/**
 * pool-exhaustion's strategy: a second pool of `faults.poolSize()` connections (1 by default),
 * created on first use and shared by every faulty request, so they queue for a connection. Each wait
 * for a connection is a `pg-pool.connect` span tagged `tracelab.fault=pool-exhaustion`: made here,
 * because the tracing package leaves checkouts out of every other trace (TRACING_PG_CONNECT_SPANS).
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
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    const waitForConnection = () =>
      withSpanAttributes({ [ATTR_FAULT]: 'pool-exhaustion' }, () => withSpan('pg-pool.connect', () => connect(), { kind: SpanKind.CLIENT }));
    // pool.query checks out through this.connect with a callback; a promise continuation runs in
    // the caller's context, so the query that follows stays in its own trace.
    pool.connect = ((callback?: (error: Error | undefined, client?: PoolClient, done?: PoolClient['release']) => void) => {
      if (typeof callback !== 'function') return waitForConnection();
      waitForConnection().then((client) => callback(undefined, client, client.release), (error: Error) => callback(error));
      return undefined;
    }) as Pool['connect'];
    return pool;
  }
}
