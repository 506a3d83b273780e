import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, DATABASE_READINESS, FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { ORDERS_CONFIG, type OrdersConfig } from './config';
import { OrdersDatabase } from './database/database.module';
import { OrdersModule } from './orders/orders.module';
import { ReconcilerModule } from './reconciler/reconciler.module';

@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(ORDERS_CONFIG, config),
        loggingModule(config.LOG_LEVEL, 'orders'),
        TracingModule,
        FaultsModule.forRoot(),
        OrdersModule,
        ReconcilerModule,
        healthModule([DATABASE_READINESS], [OrdersDatabase]),
      ],
    };
  }
}
