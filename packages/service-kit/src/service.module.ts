import type { DynamicModule, Type } from '@nestjs/common';
import { TracingModule } from '@tracelab/tracing';
import { ConfigModule } from './config.module';
import { healthModule, type ReadinessCheck } from './health.controller';
import { loggingModule } from './logging';

export interface ServiceModuleOptions {
  /** Service name in log lines. */
  name: string;
  /** The validated configuration and the token features inject it by. */
  config: { token: symbol; value: { LOG_LEVEL: string } };
  /** Feature modules (and FaultsModule.forRoot() where the service has fault sites). */
  imports: NonNullable<DynamicModule['imports']>;
  /** Readiness checks (provider tokens) and the modules that export them. */
  readiness: { checks: Array<Type<ReadinessCheck> | symbol | string>; from: NonNullable<DynamicModule['imports']> };
}

/**
 * A service's root module: configuration (global), JSON logs, tracing, then its features and the
 * health routes. What makes each app different is all in `options`.
 */
export function serviceModule(module: Type<unknown>, options: ServiceModuleOptions): DynamicModule {
  return {
    module,
    imports: [
      ConfigModule.forRoot(options.config.token, options.config.value),
      loggingModule(options.config.value.LOG_LEVEL, options.name),
      TracingModule,
      ...options.imports,
      healthModule(options.readiness.checks, options.readiness.from),
    ],
  };
}
