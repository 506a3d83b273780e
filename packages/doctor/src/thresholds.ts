/**
 * Every threshold the detectors use, each chosen by measurement on TraceLab's lab (see README:
 * "Thresholds"): healthy traffic must give no finding, each fault scenario its own.
 */
export interface Thresholds {
  nPlusOne: { minRepeats: number; minTotalMs: number };
  slowQuery: { minShare: number; minMs: number };
  lockWait: { minWaiters: number; minWaitMs: number; grantSlackMs: number };
  poolWait: { minWaitMs: number; minShare: number; minWaiting: number; handoffSlackMs: number; minQueuedMs: number };
  sequential: { minCalls: number; minSavedMs: number; minShare: number; overlapSlackMs: number };
  retries: { minAttempts: number };
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  nPlusOne: { minRepeats: 5, minTotalMs: 0 },
  slowQuery: { minShare: 0.5, minMs: 20 },
  lockWait: { minWaiters: 3, minWaitMs: 20, grantSlackMs: 15 },
  poolWait: { minWaitMs: 20, minShare: 0.2, minWaiting: 5, handoffSlackMs: 5, minQueuedMs: 5 },
  sequential: { minCalls: 3, minSavedMs: 5, minShare: 0.1, overlapSlackMs: 2 },
  retries: { minAttempts: 2 },
};
