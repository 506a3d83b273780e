import { Module } from '@nestjs/common';
import { DownstreamModule } from '../downstream/downstream.module';
import { CustomerOrdersService } from './customer-orders.service';
import { OrdersController } from './orders.controller';

@Module({ imports: [DownstreamModule], controllers: [OrdersController], providers: [CustomerOrdersService] })
export class OrdersModule {}
