import { Module, type DynamicModule } from '@nestjs/common';
import { DATABASE_READINESS, DatabaseModule, FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { ORDERS_CONFIG, type OrdersConfig } from './config';
import { migrations } from './database/migrations';
import { OrdersModule } from './orders/orders.module';
import { ReconcilerModule } from './reconciler/reconciler.module';

@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule(config.LOG_LEVEL, 'orders'),
        TracingModule,
        FaultsModule.forRoot(config),
        DatabaseModule.forRoot({
          inject: [ORDERS_CONFIG],
          useFactory: (c: OrdersConfig) => ({ url: c.DATABASE_URL, max: c.DB_POOL_MAX, applicationName: 'orders' }),
          migrations,
        }),
        OrdersModule,
        ReconcilerModule,
        healthModule([DATABASE_READINESS]),
      ],
      providers: [{ provide: ORDERS_CONFIG, useValue: config }],
      exports: [ORDERS_CONFIG],
    };
  }
}
