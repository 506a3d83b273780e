import { Module, type DynamicModule } from '@nestjs/common';
import { FaultsModule, serviceModule } from '@tracelab/service-kit';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { DownstreamModule } from './downstream/downstream.module';
import { InventoryClient } from './downstream/inventory.client';
import { OrdersClient } from './downstream/orders.client';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return serviceModule(AppModule, {
      name: 'gateway',
      config: { token: GATEWAY_CONFIG, value: config },
      imports: [FaultsModule.forRoot(), ProductsModule, OrdersModule],
      readiness: { checks: [OrdersClient, InventoryClient], from: [DownstreamModule] },
    });
  }
}
