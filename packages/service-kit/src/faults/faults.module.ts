import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { loadConfig } from '../config';
import { FaultBaggageMiddleware } from './fault-baggage.middleware';
import { faultsConfigSchema } from './faults.config';
import { Faults, FAULTS_CONFIG } from './faults.service';

/**
 * The fault scenarios of a service, kept out of the kit's config and bootstrap: reads its own
 * TRACELAB_FAULT* variables (a bad one ends start-up with one line, like any configuration error)
 * and installs the baggage middleware. Global for the same reason configuration is: any feature may
 * hold a fault site, and the switches are one set per process.
 */
@Module({})
export class FaultsModule implements NestModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const config = loadConfig(faultsConfigSchema, env);
    return { module: FaultsModule, global: true, providers: [{ provide: FAULTS_CONFIG, useValue: config }, Faults], exports: [Faults] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(FaultBaggageMiddleware).forRoutes('*');
  }
}
