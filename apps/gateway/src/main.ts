import 'reflect-metadata';
import { runService, startService } from '@tracelab/service-kit';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';

runService(async () => {
  const config = loadGatewayConfig();
  await startService(AppModule.forRoot(config), {
    port: config.PORT,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    faultInjection: config.TRACELAB_FAULT_INJECTION,
    docsTitle: 'TraceLab API',
  });
});
