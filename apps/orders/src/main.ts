import 'reflect-metadata';
import { serve } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './config';

serve(() => loadOrdersConfig(), (config) => AppModule.forRoot(config), 'TraceLab orders', 'orders');
