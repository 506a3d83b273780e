// Tracing is already running when this file loads: `--require @tracelab/tracing/register` (package.json "start", NODE_OPTIONS in the Dockerfile).
import 'reflect-metadata';
import { serve } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './config';

serve({ name: 'orders', config: () => loadOrdersConfig(), module: (config) => AppModule.forRoot(config), docsTitle: 'TraceLab orders' });
