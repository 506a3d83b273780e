import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TraceService } from '@tracelab/tracing';
import type { Response } from 'express';
import { CreateReservationDto, ParseIdPipe, ReservationDto } from '@tracelab/contracts';
import { ReservationsRepository } from './reservations.repository';

@ApiTags('reservations')
@Controller('reservations')
export class ReservationsController {
  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly trace: TraceService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ReservationDto, description: 'Reserved (200 when this order was already reserved)' })
  @ApiConflictResponse({ description: 'Insufficient stock; `shortItems` names each short sku' })
  async reserve(@Body() body: CreateReservationDto, @Res({ passthrough: true }) res: Response): Promise<ReservationDto> {
    this.trace.setTags({ 'order.id': body.orderId, 'reservation.item_count': body.items.length });
    const { created, reservation } = await this.reservations.reserve(body.orderId, body.items);
    this.trace.log(created ? 'stock reserved' : 'reservation already existed', { 'order.id': body.orderId });
    res.status(created ? 201 : 200);
    return reservation;
  }

  /** Whether stock is held for an order: what the orders reconciler asks about an order left pending. */
  @Get(':orderId')
  @ApiOkResponse({ type: ReservationDto })
  @ApiNotFoundResponse({ description: 'No stock is reserved for this order' })
  async find(@Param('orderId', new ParseIdPipe('orderId')) orderId: string): Promise<ReservationDto> {
    this.trace.setTags({ 'order.id': orderId });
    const reservation = await this.reservations.find(orderId);
    if (!reservation) throw new NotFoundException(`no reservation for order ${orderId}`);
    return reservation;
  }

  @Delete(':orderId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async release(@Param('orderId', new ParseIdPipe('orderId')) orderId: string): Promise<void> {
    this.trace.setTags({ 'order.id': orderId });
    if (!(await this.reservations.release(orderId))) throw new NotFoundException(`no reservation for order ${orderId}`);
    this.trace.log('reservation released', { 'order.id': orderId });
  }
}
