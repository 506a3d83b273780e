import { Module } from '@nestjs/common';
import { ReservationsController } from './reservations.controller';
import { ReservationsRepository } from './reservations.repository';

@Module({ controllers: [ReservationsController], providers: [ReservationsRepository] })
export class ReservationsModule {}
