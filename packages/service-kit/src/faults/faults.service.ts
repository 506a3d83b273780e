import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { getBaggage, setTags, withSpanAttributes } from '@tracelab/tracing';
import { ATTR_FAULT, FAULT_BAGGAGE_KEY, parseFaultList, type FaultName } from './catalog';
import { FAULT_DEFAULTS, type FaultsConfig } from './faults.config';

export const FAULTS_CONFIG = Symbol('FAULTS_CONFIG');

/** Which faults apply to the current request, and a way to run code as a fault. */
@Injectable()
export class Faults implements OnApplicationBootstrap {
  private readonly logger = new Logger('Faults');

  constructor(@Inject(FAULTS_CONFIG) readonly config: FaultsConfig) {}

  /** On for this request: in TRACELAB_FAULTS, or asked for through baggage while injection is enabled. */
  active(name: FaultName): boolean {
    if (this.config.TRACELAB_FAULTS.includes(name)) return true;
    return this.config.TRACELAB_FAULT_INJECTION && parseFaultList(getBaggage(FAULT_BAGGAGE_KEY)).includes(name);
  }

  /**
   * Runs `faulty` when `name` is active, `normal` otherwise. The faulty path's current span and every
   * span started inside it carry `tracelab.fault=<name>`.
   */
  choose<T>(name: FaultName, faulty: () => T, normal: () => T): T {
    if (!this.active(name)) return normal();
    setTags({ [ATTR_FAULT]: name });
    return withSpanAttributes({ [ATTR_FAULT]: name }, faulty);
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
