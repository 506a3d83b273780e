import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { OrdersModule } from '../orders/orders.module';
import { ReconcilerService } from './reconciler.service';

@Module({ imports: [OrdersModule, InventoryModule], providers: [ReconcilerService] })
export class ReconcilerModule {}
