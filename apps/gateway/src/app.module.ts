import { Module, type DynamicModule } from '@nestjs/common';
import { FaultsModule, healthModule, loggingModule } from '@tracelab/service-kit';
import { TracingModule } from '@tracelab/tracing';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { DownstreamModule, INVENTORY_READINESS, ORDERS_READINESS } from './downstream/downstream.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        loggingModule(config.LOG_LEVEL, 'gateway'),
        TracingModule,
        FaultsModule.forRoot(config),
        DownstreamModule,
        ProductsModule,
        OrdersModule,
        healthModule([ORDERS_READINESS, INVENTORY_READINESS]),
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
