import { Module } from '@nestjs/common';
import { InventoryClient } from '../inventory/inventory.client';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({ controllers: [OrdersController], providers: [OrdersService, OrdersRepository, InventoryClient], exports: [OrdersRepository, InventoryClient] })
export class OrdersModule {}
