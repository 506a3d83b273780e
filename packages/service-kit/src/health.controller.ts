import { Controller, Get, HttpCode, Inject, ServiceUnavailableException, type DynamicModule, type Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** One thing the service needs before it takes traffic (its database, a downstream). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** `/health/live` answers while the process runs; `/health/ready` runs every check (503 if one fails). */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  async ready() {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c.name, 'ok'] as const;
        } catch (error) {
          return [c.name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    if (results.some(([, s]) => s !== 'ok')) throw new ServiceUnavailableException({ message: 'not ready', checks });
    return { status: 'ok', checks };
  }
}

/** Health routes for a service whose readiness checks come from `checks` (provider tokens exported by `imports`). */
export function healthModule(checks: Array<Type<ReadinessCheck> | symbol | string>, imports: DynamicModule['imports'] = []): DynamicModule {
  return {
    module: class HealthModule {},
    imports,
    controllers: [HealthController],
    providers: [
      {
        provide: READINESS_CHECKS,
        useFactory: (...resolved: ReadinessCheck[]) => resolved,
        inject: checks,
      },
    ],
  };
}

function withTimeout<T>(work: Promise<T>, millis: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${millis} ms`)), millis);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
