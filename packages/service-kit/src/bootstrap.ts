import { ValidationPipe, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { traceResponse } from '@tracelab/tracing';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config';
import { ErrorsFilter } from './errors.filter';
import { ForbiddenKeysPipe } from './forbidden-keys.pipe';
import { limitJsonDepth } from './json-body';

/** What {@link serve} needs of a service. */
export interface ServiceDefinition<C extends { PORT: number; BODY_LIMIT_BYTES: number }> {
  /** Name in logs and 503 bodies ("orders cannot reach its database"). */
  name: string;
  /** Reads and validates the environment (throws ConfigError). */
  config: () => C;
  /** The root module for that configuration. */
  module: (config: C) => DynamicModule;
  /** Serve OpenAPI docs at /docs with this title. */
  docsTitle?: string;
}

/**
 * A service's whole `main`: read the configuration, build the app, listen on 0.0.0.0:PORT. A
 * configuration error ends the process with its one-line message and exit code 78 (EX_CONFIG).
 */
export function serve<C extends { PORT: number; BODY_LIMIT_BYTES: number }>(service: ServiceDefinition<C>): void {
  const main = async () => {
    const config = service.config();
    const app = await createService(service.module(config), { bodyLimitBytes: config.BODY_LIMIT_BYTES, docsTitle: service.docsTitle, service: service.name });
    await app.listen(config.PORT, '0.0.0.0');
    app.get(Logger).log(`listening on ${await app.getUrl()}`);
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 78;
      return;
    }
    process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

export interface ServiceOptions {
  bodyLimitBytes: number;
  /** JSON bodies nested deeper than this get 400 before they are parsed. @default 32 */
  jsonMaxDepth?: number;
  docsTitle?: string;
  /** @default process.env.OTEL_SERVICE_NAME */
  service?: string;
}

/**
 * The app {@link serve} listens with, not yet listening (tests listen on port 0): pino logs,
 * validated DTOs, JSON errors, a `traceresponse` header on every answer, graceful shutdown on
 * SIGTERM/SIGINT.
 */
export async function createService(module: DynamicModule, options: ServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.use(traceResponse);
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
