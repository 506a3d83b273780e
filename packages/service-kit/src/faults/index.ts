export { ATTR_FAULT, ATTR_FAULT_REQUESTED, FAULT_BAGGAGE_KEY, FAULT_NAMES, parseFaultList, type FaultName } from './catalog';
export { FaultBaggageMiddleware } from './fault-baggage.middleware';
export { FAULT_DEFAULTS, faultsConfigSchema, type FaultsConfig } from './faults.config';
export { FaultsModule } from './faults.module';
export { Faults, FAULTS_CONFIG, type FaultRun } from './faults.service';
