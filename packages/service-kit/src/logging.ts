import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';

/**
 * JSON logs through pino. The tracing package's pino instrumentation adds `trace_id`/`span_id` to
 * every line written inside a request. Credentials and cookies are redacted; health probes are not logged.
 */
export function loggingModule(level: string, service: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
