import { Module } from '@nestjs/common';
import { OrdersDatabase } from '../database/database.module';
import { InventoryModule } from '../inventory/inventory.module';
import { ConstrainedPool } from './constrained-pool';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [OrdersDatabase, InventoryModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, ConstrainedPool],
  exports: [OrdersRepository],
})
export class OrdersModule {}
