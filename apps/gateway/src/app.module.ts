import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { DownstreamModule } from './downstream/downstream.module';
import { InventoryClient } from './downstream/inventory.client';
import { OrdersClient } from './downstream/orders.client';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(GATEWAY_CONFIG, config),
        loggingModule(config.LOG_LEVEL, 'gateway'),
        TracingModule,
        FaultsModule.forRoot(),
        ProductsModule,
        OrdersModule,
        healthModule([OrdersClient, InventoryClient], [DownstreamModule]),
      ],
    };
  }
}
