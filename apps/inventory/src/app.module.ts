import { Module, type DynamicModule } from '@nestjs/common';
import { DATABASE_READINESS, DatabaseModule, FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { INVENTORY_CONFIG, type InventoryConfig } from './config';
import { migrations } from './database/migrations';
import { ProductsModule } from './products/products.module';
import { ReservationsModule } from './reservations/reservations.module';

@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule(config.LOG_LEVEL, 'inventory'),
        TracingModule,
        FaultsModule.forRoot(config),
        DatabaseModule.forRoot({
          inject: [INVENTORY_CONFIG],
          useFactory: (c: InventoryConfig) => ({ url: c.DATABASE_URL, max: c.DB_POOL_MAX, applicationName: 'inventory' }),
          migrations,
        }),
        ProductsModule,
        ReservationsModule,
        healthModule([DATABASE_READINESS]),
      ],
      providers: [{ provide: INVENTORY_CONFIG, useValue: config }],
      exports: [INVENTORY_CONFIG],
    };
  }
}
