import { Module, type DynamicModule } from '@nestjs/common';
import { DATABASE_READINESS, FaultsModule, serviceModule } from '@tracelab/service-kit';
import { INVENTORY_CONFIG, type InventoryConfig } from './config';
import { InventoryDatabase } from './database/database.module';
import { ProductsModule } from './products/products.module';
import { ReservationsModule } from './reservations/reservations.module';

@Module({})
export class AppModule {
  static forRoot(config: InventoryConfig): DynamicModule {
    return serviceModule(AppModule, {
      name: 'inventory',
      config: { token: INVENTORY_CONFIG, value: config },
      imports: [FaultsModule.forRoot(), ProductsModule, ReservationsModule],
      readiness: { checks: [DATABASE_READINESS], from: [InventoryDatabase] },
    });
  }
}
