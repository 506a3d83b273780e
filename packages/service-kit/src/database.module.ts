import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool, migrate, type Migration, type PoolOptions } from './database';
import { isDatabaseUnavailable } from './database-errors';
import type { ReadinessCheck } from './health.controller';
import { SchemaGuard, SchemaState } from './schema';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_READINESS = Symbol('DATABASE_READINESS');
/** The {@link SchemaState} of this database: `await schema.ready` before background work queries it. */
export const DATABASE_SCHEMA = Symbol('DATABASE_SCHEMA');
const MIGRATIONS = Symbol('MIGRATIONS');
const POOL_OPTIONS = Symbol('POOL_OPTIONS');

export interface DatabaseModuleOptions {
  inject: Array<symbol | string>;
  useFactory: (...deps: never[]) => PoolOptions;
  migrations: Migration[];
}

/**
 * The service's pg Pool (token {@link PG_POOL}), migrated after the service listens and closed at
 * shutdown. The migrations run in the background so that /health/live answers at once while
 * PostgreSQL is still starting (Kubernetes would otherwise restart the pod for its database); until
 * they are done /health/ready and every route answer 503 with Retry-After. A database that is down
 * or restarting (or goes away mid-migration) is waited for, one log line per attempt; a broken
 * migration ends the process at once (exit code 1). Not global: an app keeps the result of `forRoot`
 * in one constant and the modules that query import it.
 */
@Module({})
export class DatabaseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private migrating?: Promise<void>;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(MIGRATIONS) private readonly migrations: Migration[],
    @Inject(DATABASE_SCHEMA) private readonly schema: SchemaState = new SchemaState(),
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: POOL_OPTIONS, inject: options.inject, useFactory: options.useFactory },
        { provide: PG_POOL, inject: [POOL_OPTIONS], useFactory: createPool },
        { provide: DATABASE_SCHEMA, useFactory: () => new SchemaState() },
        { provide: DATABASE_READINESS, inject: [PG_POOL, DATABASE_SCHEMA], useFactory: schemaReadiness },
        { provide: MIGRATIONS, useValue: options.migrations },
        {
          provide: APP_GUARD,
          inject: [DATABASE_SCHEMA, POOL_OPTIONS],
          useFactory: (schema: SchemaState, pool: PoolOptions) => new SchemaGuard(schema, pool.applicationName),
        },
      ],
      exports: [PG_POOL, DATABASE_READINESS, DATABASE_SCHEMA],
    };
  }

  /** Not awaited: Nest listens only after every bootstrap hook has resolved. */
  onApplicationBootstrap(): void {
    this.migrating = this.migrateUntilDone().catch((error: Error) => {
      if (this.stopping.signal.aborted) return;
      this.logger.error({ err: error }, `migration failed, stopping: ${error.message}`);
      process.exit(1);
    });
  }

  /**
   * Applies the migrations, waiting for a database that is not there yet; rejects on a migration
   * that fails for any other reason. Shutdown ends the wait.
   */
  async migrateUntilDone(): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      try {
        const applied = await migrate(this.pool, this.migrations);
        this.logger.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema up to date');
        this.schema.markMigrated();
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        const wait = Math.min(250 * 2 ** (attempt - 1), 5000);
        this.schema.waiting(`database unavailable: ${(error as Error).message}`);
        this.logger.warn(`database unavailable for migrations (${(error as Error).message}); attempt ${attempt}, retrying in ${wait} ms`);
        await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.migrating;
    await this.pool.end();
  }
}

/** Ready once migrated and while `SELECT 1` answers: readiness follows the database. */
function schemaReadiness(pool: Pool, schema: SchemaState): ReadinessCheck {
  return {
    name: 'database',
    check: async () => {
      schema.assertMigrated();
      await pool.query('SELECT 1');
    },
  };
}
