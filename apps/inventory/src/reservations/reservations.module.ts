import { Module } from '@nestjs/common';
import { InventoryDatabase } from '../database/database.module';
import { ReservationsController } from './reservations.controller';
import { ReservationsRepository } from './reservations.repository';

@Module({ imports: [InventoryDatabase], controllers: [ReservationsController], providers: [ReservationsRepository] })
export class ReservationsModule {}
