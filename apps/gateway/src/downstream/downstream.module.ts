import { Module } from '@nestjs/common';
import { InventoryClient } from './inventory.client';
import { OrdersClient } from './orders.client';

/** The typed clients of the services the gateway calls, one per service (HotROD's client.go). */
@Module({ providers: [OrdersClient, InventoryClient], exports: [OrdersClient, InventoryClient] })
export class DownstreamModule {}
