import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { getBaggage, setTags, withSpanAttributes } from '@tracelab/tracing';
import { ATTR_FAULT, FAULT_BAGGAGE_KEY, parseFaultList, type FaultName } from './catalog';
import { FAULT_DEFAULTS, type FaultsConfig } from './faults.config';

export const FAULTS_CONFIG = Symbol('FAULTS_CONFIG');

/** Runs code as the faulty path: every span started inside it carries `tracelab.fault=<name>`. */
export type FaultRun = <T>(faulty: () => T) => T;

/**
 * The typed questions a fault site asks: is this fault on for the current request, and the knobs
 * it needs. Business code never reads TRACELAB_* names. A fault site reads as one `if`:
 *
 *     const fault = this.faults.on('slow-query');
 *     if (fault) return fault(() => run(SLOW)); // slow-query: expressions on indexed columns defeat the index
 */
@Injectable()
export class Faults implements OnApplicationBootstrap {
  private readonly logger = new Logger('Faults');

  constructor(@Inject(FAULTS_CONFIG) private readonly config: FaultsConfig) {}

  /** On for this request: in TRACELAB_FAULTS, or asked for through baggage while injection is enabled. */
  active(name: FaultName): boolean {
    if (this.config.TRACELAB_FAULTS.includes(name)) return true;
    return this.config.TRACELAB_FAULT_INJECTION && parseFaultList(getBaggage(FAULT_BAGGAGE_KEY)).includes(name);
  }

  /**
   * When `name` is on for this request: tags the current span with `tracelab.fault=<name>` and
   * returns a runner whose spans carry the tag too. Undefined when it is off.
   */
  on(name: FaultName): FaultRun | undefined {
    if (!this.active(name)) return undefined;
    setTags({ [ATTR_FAULT]: name });
    return (faulty) => withSpanAttributes({ [ATTR_FAULT]: name }, faulty);
  }

  /** downstream-errors: share of reservations that write an invalid ledger row. */
  errorRate(): number {
    return this.config.TRACELAB_FAULT_ERROR_RATE;
  }

  /** timeout-retry: per-attempt timeout (also the first backoff) and attempts in all. */
  retry(): { timeoutMillis: number; attempts: number } {
    return { timeoutMillis: this.config.TRACELAB_FAULT_TIMEOUT_MS, attempts: this.config.TRACELAB_FAULT_ATTEMPTS };
  }

  /** pool-exhaustion: connections in the constrained pool. */
  poolSize(): number {
    return this.config.TRACELAB_FAULT_POOL_SIZE;
  }

  onApplicationBootstrap(): void {
    for (const name of this.config.TRACELAB_FAULTS) this.logger.warn(`fault ${name} is ON for every request (TRACELAB_FAULTS)`);
    if (this.config.TRACELAB_FAULT_INJECTION) this.logger.warn('per-request faults are accepted from baggage tracelab.fault (TRACELAB_FAULT_INJECTION=true)');
    for (const key of Object.keys(FAULT_DEFAULTS) as Array<keyof FaultsConfig>) {
      if (key === 'TRACELAB_FAULTS' || key === 'TRACELAB_FAULT_INJECTION') continue;
      if (this.config[key] !== FAULT_DEFAULTS[key]) this.logger.log(`${key}=${String(this.config[key])} (default ${String(FAULT_DEFAULTS[key])})`);
    }
  }
}
