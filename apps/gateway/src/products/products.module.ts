import { Module } from '@nestjs/common';
import { DownstreamModule } from '../downstream/downstream.module';
import { ProductsController } from './products.controller';

@Module({ imports: [DownstreamModule], controllers: [ProductsController] })
export class ProductsModule {}
