import 'reflect-metadata';
import { runService, startService } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './config';

runService(async () => {
  const config = loadOrdersConfig();
  await startService(AppModule.forRoot(config), {
    port: config.PORT,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    faultInjection: config.TRACELAB_FAULT_INJECTION,
    docsTitle: 'TraceLab orders',
  });
});
