import * as common from '@nestjs/common';
import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { registerClientErrors } from '../error-policy';
import { tracingHandle } from '../start';
import { TraceService } from './trace.service';

/**
 * Global module: provides {@link TraceService} and flushes spans when the application shuts down
 * (bounded; it never calls process.exit). Call `app.enableShutdownHooks()` so SIGTERM triggers it.
 */
@Global()
@Module({ providers: [TraceService], exports: [TraceService] })
export class TracingModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');

  constructor() {
    registerClientErrors(...nestClientErrors());
  }

  async onApplicationShutdown(): Promise<void> {
    const handle = tracingHandle();
    if (!handle?.enabled) return;
    const flushed = await handle.shutdown();
    if (!flushed) this.logger.warn('tracing: some spans were not exported at shutdown (collector unreachable or slower than the deadline)');
  }
}

/** Every HttpException subclass that @nestjs/common ships with a 4xx status. */
function nestClientErrors(): string[] {
  const names: string[] = [];
  for (const value of Object.values(common)) {
    if (typeof value !== 'function' || !(value.prototype instanceof common.HttpException)) continue;
    try {
      const status = (new (value as new () => common.HttpException)()).getStatus();
      if (status >= 400 && status < 500) names.push(value.name);
    } catch {
      // Not constructible without arguments: not one of Nest's built-in exceptions.
    }
  }
  return names;
}
