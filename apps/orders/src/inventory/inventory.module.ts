import { Module } from '@nestjs/common';
import { InventoryClient } from './inventory.client';

@Module({ providers: [InventoryClient], exports: [InventoryClient] })
export class InventoryModule {}
