import { DatabaseModule } from '@tracelab/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from '../config';
import { migrations } from './migrations';

/** The orders database (token PG_POOL): imported by each module that queries it, one pool for all. */
export const OrdersDatabase = DatabaseModule.forRoot({
  inject: [ORDERS_CONFIG],
  useFactory: (c: OrdersConfig) => ({ url: c.DATABASE_URL, max: c.DB_POOL_MAX, applicationName: 'orders' }),
  migrations,
});
