import { ServiceUnavailableException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HealthController } from './health.controller';
import { RETRY_AFTER_SECONDS } from './errors.filter';

/**
 * Whether this service's migrations have run. The service listens before they do (Kubernetes'
 * liveness probe must not wait on PostgreSQL), so readiness and every route but /health ask here.
 */
export class SchemaState {
  private migrated = false;
  private lastError?: string;
  private resolveReady!: () => void;
  /** Resolves once the migrations have been applied. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  get isMigrated(): boolean {
    return this.migrated;
  }

  markMigrated(): void {
    this.migrated = true;
    this.lastError = undefined;
    this.resolveReady();
  }

  /** Why the migrations have not run yet (the database's last answer), for /health/ready. */
  waiting(reason: string): void {
    this.lastError = reason;
  }

  /** Throws while the migrations are pending; the message says what they wait for. */
  assertMigrated(): void {
    if (this.migrated) return;
    throw new Error(`migrations pending${this.lastError ? ` (${this.lastError})` : ''}`);
  }
}

/**
 * Until the schema exists, a route that would query it answers 503 with Retry-After (as a lost
 * database does) instead of a 500 from a missing table. Health routes always answer.
 */
export class SchemaGuard implements CanActivate {
  constructor(
    private readonly schema: SchemaState,
    private readonly service: string,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.schema.isMigrated || context.getClass() === HealthController) return true;
    throw new ServiceUnavailableException({
      message: `${this.service} is starting: its database migrations have not run yet; retry shortly`,
      service: this.service,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}
