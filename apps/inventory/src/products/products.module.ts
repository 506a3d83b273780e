import { Module } from '@nestjs/common';
import { InventoryDatabase } from '../database/database.module';
import { ProductsController } from './products.controller';
import { ProductsRepository } from './products.repository';

@Module({ imports: [InventoryDatabase], controllers: [ProductsController], providers: [ProductsRepository] })
export class ProductsModule {}
