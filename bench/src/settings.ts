/** How long each part runs. `--smoke` shrinks everything to check the harness works (CI), not the numbers. */
export interface Settings {
  smoke: boolean;
  /** A/B/A/B: pairs of (tracing on, tracing off) runs. */
  pairs: number;
  connections: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Steady request rates tried for span delivery, lowest first. */
  deliveryRates: number[];
  deliverySeconds: number;
  exportLatencySamples: number;
  microTimeMillis: number;
}

export function settings(argv: string[]): Settings {
  const smoke = argv.includes('--smoke');
  return smoke
    ? { smoke, pairs: 1, connections: 4, warmupSeconds: 1, measureSeconds: 2, deliveryRates: [20], deliverySeconds: 3, exportLatencySamples: 1, microTimeMillis: 100 }
    : { smoke, pairs: 2, connections: 10, warmupSeconds: 3, measureSeconds: 10, deliveryRates: [25, 50, 100, 200, 400], deliverySeconds: 30, exportLatencySamples: 3, microTimeMillis: 1000 };
}
