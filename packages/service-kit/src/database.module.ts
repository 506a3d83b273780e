import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool, databaseReadiness, migrate, type Migration, type PoolOptions } from './database';
import { isDatabaseUnavailable } from './database-errors';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_READINESS = Symbol('DATABASE_READINESS');
const MIGRATIONS = Symbol('MIGRATIONS');

export interface DatabaseModuleOptions {
  inject: Array<symbol | string>;
  useFactory: (...deps: never[]) => PoolOptions;
  migrations: Migration[];
}

/**
 * The service's pg Pool (token {@link PG_POOL}), migrated at start-up and closed at shutdown. A
 * database that is down or restarting at start-up (or mid-migration) is waited for, one log line per
 * attempt, instead of ending the process; a broken migration still fails at once. Not global: an
 * app keeps the result of `forRoot` in one constant and the modules that query import it.
 */
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(MIGRATIONS) private readonly migrations: Migration[],
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: PG_POOL, inject: options.inject, useFactory: (...deps: never[]) => createPool(options.useFactory(...deps)) },
        { provide: DATABASE_READINESS, inject: [PG_POOL], useFactory: databaseReadiness },
        { provide: MIGRATIONS, useValue: options.migrations },
      ],
      exports: [PG_POOL, DATABASE_READINESS],
    };
  }

  async onModuleInit(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await migrate(this.pool, this.migrations);
        this.logger.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema up to date');
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        const wait = Math.min(250 * 2 ** (attempt - 1), 5000);
        this.logger.warn(`database unavailable for migrations (${(error as Error).message}); attempt ${attempt}, retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
