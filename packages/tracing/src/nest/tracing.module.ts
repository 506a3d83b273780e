import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { registerClientErrors } from '../error-policy';
import { tracingHandle } from '../start';
import { nestHttpExceptions } from './http-exceptions';
import { ServerSpanInterceptor } from './server-span.interceptor';
import { TraceService } from './trace.service';

/**
 * Global module: provides {@link TraceService}, names SERVER spans by route and records handler
 * exceptions on them ({@link ServerSpanInterceptor}), and flushes spans when the application shuts down (bounded; it never calls process.exit). Call
 * `app.enableShutdownHooks()` so SIGTERM triggers it.
 */
@Global()
@Module({ providers: [TraceService, { provide: APP_INTERCEPTOR, useClass: ServerSpanInterceptor }], exports: [TraceService] })
export class TracingModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');

  constructor() {
    // Nest's named 4xx exceptions are the client's mistake, not the service's: spans that end in them stay unset.
    registerClientErrors(...nestHttpExceptions().filter((e) => e.status >= 400 && e.status < 500).map((e) => e.type.name));
  }

  async onApplicationShutdown(): Promise<void> {
    const handle = tracingHandle();
    if (!handle?.enabled) return;
    const flushed = await handle.shutdown();
    if (!flushed) this.logger.warn('tracing: some spans were not exported at shutdown (collector unreachable or slower than the deadline)');
  }
}
