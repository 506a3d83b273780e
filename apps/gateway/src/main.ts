import 'reflect-metadata';
import { serve } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';

serve(() => loadGatewayConfig(), (config) => AppModule.forRoot(config), 'TraceLab API', 'gateway');
