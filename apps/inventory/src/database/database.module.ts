import { DatabaseModule } from '@tracelab/service-kit';
import { INVENTORY_CONFIG, type InventoryConfig } from '../config';
import { migrations } from './migrations';

/** The inventory database (token PG_POOL): imported by each module that queries it, one pool for all. */
export const InventoryDatabase = DatabaseModule.forRoot({
  inject: [INVENTORY_CONFIG],
  useFactory: (c: InventoryConfig) => ({ url: c.DATABASE_URL, max: c.DB_POOL_MAX, applicationName: 'inventory' }),
  migrations,
});
