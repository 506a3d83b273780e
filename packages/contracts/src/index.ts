export { Identifier, ParseIdPipe } from './identifier';
export { LineItemDto, LineItems } from './line-item.dto';
export { CreateOrderDto, OrderDto, type OrderStatus } from './order.dto';
export { ID_PATTERN, ID_RULE, MAX_ITEMS, MAX_QUANTITY, SKU_PATTERN } from './patterns';
export { ProductDto } from './product.dto';
export { CreateReservationDto, ReservationDto, type ShortItem } from './reservation.dto';
