import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import { setTags } from '@tracelab/tracing';
import { ATTR_FAULT_REQUESTED, FAULT_BAGGAGE_KEY } from './catalog';
import type { FaultsConfig } from './faults.config';
import { FAULTS_CONFIG } from './faults.service';

/**
 * With injection enabled (TRACELAB_FAULT_INJECTION), notes on the server span which faults the
 * request asked for (proof that baggage reached this service). With it disabled, removes the entry,
 * so a client cannot switch faults on and the entry does not travel further downstream.
 */
@Injectable()
export class FaultBaggageMiddleware implements NestMiddleware {
  constructor(@Inject(FAULTS_CONFIG) private readonly config: FaultsConfig) {}

  use(_req: unknown, _res: unknown, next: () => void): void {
    const baggage = propagation.getActiveBaggage();
    const requested = baggage?.getEntry(FAULT_BAGGAGE_KEY)?.value;
    if (!baggage || requested === undefined) return next();
    if (this.config.TRACELAB_FAULT_INJECTION) {
      setTags({ [ATTR_FAULT_REQUESTED]: requested });
      return next();
    }
    context.with(propagation.setBaggage(context.active(), baggage.removeEntry(FAULT_BAGGAGE_KEY)), next);
  }
}
