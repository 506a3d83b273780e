import { Module } from '@nestjs/common';
import { CustomerOrdersService } from './customer-orders.service';
import { OrdersController } from './orders.controller';

@Module({ controllers: [OrdersController], providers: [CustomerOrdersService] })
export class OrdersModule {}
