export { baseConfigSchema, ConfigError, loadConfig, millis, port, runService, url } from './config';
export { createService, startService, type BootstrapOptions } from './bootstrap';
export { createPool, databaseReadiness, inTransaction, migrate, type Migration, type PoolOptions } from './database';
export { DownstreamClient, type DownstreamOptions, type DownstreamResponse } from './downstream';
export { ErrorsFilter, type ErrorBody } from './errors.filter';
export { HealthController, healthModule, READINESS_CHECKS, type ReadinessCheck } from './health.controller';
export { loggingModule } from './logging';
export { DATABASE_READINESS, DatabaseModule, PG_POOL, type DatabaseModuleOptions } from './database.module';
export { httpError } from './client-errors';
