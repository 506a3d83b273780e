import 'reflect-metadata';
import { runService, startService } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadInventoryConfig } from './config';

runService(async () => {
  const config = loadInventoryConfig();
  await startService(AppModule.forRoot(config), {
    port: config.PORT,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    faultInjection: config.TRACELAB_FAULT_INJECTION,
    docsTitle: 'TraceLab inventory',
  });
});
