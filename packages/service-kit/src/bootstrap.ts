import { ValidationPipe, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { traceResponse } from '@tracelab/tracing';
import { Logger } from 'nestjs-pino';
import { runService } from './config';
import { ErrorsFilter } from './errors.filter';
import { faultBaggage } from './faults/fault-baggage.middleware';
import { ForbiddenKeysPipe } from './forbidden-keys.pipe';
import { limitJsonDepth } from './json-body';

export interface BootstrapOptions {
  /** Accept per-request faults from baggage (TRACELAB_FAULT_INJECTION). */
  faultInjection?: boolean;
  port: number;
  /** Listen address. @default "0.0.0.0" */
  host?: string;
  bodyLimitBytes: number;
  /** JSON bodies nested deeper than this get 400 before they are parsed. @default 32 */
  jsonMaxDepth?: number;
  /** Serve OpenAPI docs at /docs with this title. */
  docsTitle?: string;
  /** Name in 503 bodies ("orders cannot reach its database"). @default process.env.OTEL_SERVICE_NAME */
  service?: string;
}

/**
 * Builds and configures a service the TraceLab way: pino logs, validated DTOs, JSON errors, a
 * `traceresponse` header on every answer, graceful shutdown on SIGTERM/SIGINT.
 */
export async function createService(module: Type<unknown> | DynamicModule, options: Omit<BootstrapOptions, 'port' | 'host'>): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.use(traceResponse);
  app.use(faultBaggage(options.faultInjection ?? false));
  app.useBodyParser('json', { limit: options.bodyLimitBytes, verify: limitJsonDepth(options.jsonMaxDepth ?? 32) });
  app.useGlobalPipes(
    new ForbiddenKeysPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new ErrorsFilter(options.service));
  app.enableShutdownHooks();
  if (options.docsTitle) {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(options.docsTitle).setVersion('1.0').build());
    SwaggerModule.setup('docs', app, document);
  }
  return app;
}

/** {@link createService}, then listen; logs the URL. */
export async function startService(module: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<INestApplication> {
  const app = await createService(module, options);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  app.get(Logger).log(`listening on ${await app.getUrl()}`);
  return app;
}

/**
 * A service's whole `main`: read and validate the configuration, then start the module it builds.
 * A configuration error ends the process with one line (see runService).
 */
export function serve<C extends { PORT: number; BODY_LIMIT_BYTES: number; TRACELAB_FAULT_INJECTION: boolean }>(
  loadConfig: () => C,
  module: (config: C) => DynamicModule,
  docsTitle: string,
  service?: string,
): void {
  runService(async () => {
    const config = loadConfig();
    await startService(module(config), {
      port: config.PORT,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      faultInjection: config.TRACELAB_FAULT_INJECTION,
      docsTitle,
      service,
    });
  });
}
