import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, DATABASE_READINESS, FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { INVENTORY_CONFIG, type InventoryConfig } from './config';
import { InventoryDatabase } from './database/database.module';
import { ProductsModule } from './products/products.module';
import { ReservationsModule } from './reservations/reservations.module';

@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(INVENTORY_CONFIG, config),
        loggingModule(config.LOG_LEVEL, 'inventory'),
        TracingModule,
        FaultsModule.forRoot(),
        ProductsModule,
        ReservationsModule,
        healthModule([DATABASE_READINESS], [InventoryDatabase]),
      ],
    };
  }
}
