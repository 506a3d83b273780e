import { RETRY_AFTER_SECONDS, httpError } from '@tracelab/service-kit';

/**
 * At most `limit` orders between their INSERT and their settling at once; the others wait their turn
 * before writing anything. Without it a burst fills the pool's queue with new INSERTs, and an order
 * already reserved waits behind them for the connection that confirms it (and may time out, left
 * pending). A request that waits longer than `maxWaitMillis` gets 503 with nothing written.
 */
export class Admission {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMillis: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await this.turn();
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Resolves when a finishing order hands over its slot; rejects after maxWaitMillis. */
  private turn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        reject(
          httpError(503, {
            message: `orders is busy: ${this.limit} orders in progress, none finished within ${this.maxWaitMillis} ms; nothing was written`,
            service: 'orders',
            retryAfterSeconds: RETRY_AFTER_SECONDS,
          }),
        );
      }, this.maxWaitMillis);
      this.waiting.push(admit);
    });
  }
}
