import { z } from 'zod';
import { FAULT_NAMES, type FaultName } from './catalog';

/** Fault knobs, HotROD style: one named variable each, with its default. */
export const faultsConfigSchema = z.object({
  /** Faults on for every request, e.g. "slow-query,n-plus-one". */
  TRACELAB_FAULTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(FAULT_NAMES as readonly string[]).includes(n));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown fault ${unknown.join(', ')} (known: ${FAULT_NAMES.join(', ')})` });
      return names as FaultName[];
    }),
  /** Accept per-request faults from the `tracelab.fault` baggage entry. On in local mode, off by default. */
  TRACELAB_FAULT_INJECTION: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** downstream-errors: share of reservations that fail. */
  TRACELAB_FAULT_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.5),
  /** timeout-retry: orders' per-attempt timeout towards inventory, below the ~60 ms its slow check takes. */
  TRACELAB_FAULT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(25),
  /** timeout-retry: attempts in all (first call plus retries). */
  TRACELAB_FAULT_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  /** pool-exhaustion: connections in the constrained pool. */
  TRACELAB_FAULT_POOL_SIZE: z.coerce.number().int().min(1).max(10).default(1),
});

export type FaultsConfig = z.infer<typeof faultsConfigSchema>;

export const FAULT_DEFAULTS: FaultsConfig = faultsConfigSchema.parse({});
