import { Module, type DynamicModule } from '@nestjs/common';
import { DATABASE_READINESS, FaultsModule, serviceModule } from '@tracelab/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from './config';
import { OrdersDatabase } from './database/database.module';
import { OrdersModule } from './orders/orders.module';
import { ReconcilerModule } from './reconciler/reconciler.module';

@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return serviceModule(AppModule, {
      name: 'orders',
      config: { token: ORDERS_CONFIG, value: config },
      imports: [FaultsModule.forRoot(), OrdersModule, ReconcilerModule],
      readiness: { checks: [DATABASE_READINESS], from: [OrdersDatabase] },
    });
  }
}
