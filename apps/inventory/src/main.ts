import 'reflect-metadata';
import { serve } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadInventoryConfig } from './config';

serve(() => loadInventoryConfig(), (config) => AppModule.forRoot(config), 'TraceLab inventory', 'inventory');
