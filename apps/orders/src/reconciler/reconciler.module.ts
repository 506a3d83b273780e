import { Module } from '@nestjs/common';
import { OrdersDatabase } from '../database/database.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrdersModule } from '../orders/orders.module';
import { ReconcilerService } from './reconciler.service';

@Module({ imports: [OrdersDatabase, OrdersModule, InventoryModule], providers: [ReconcilerService] })
export class ReconcilerModule {}
