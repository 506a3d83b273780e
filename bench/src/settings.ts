/** The parts of `npm run bench`; `--only a,b` runs a subset, `--levers`, `--profile` and `--instrumentations` add the slow ones. */
export const PARTS = ['cpu', 'levers', 'http', 'hooks', 'split', 'saturated', 'delivery', 'latency', 'micro', 'profile', 'instrumentations', 'jaeger-capacity'] as const;
export type Part = (typeof PARTS)[number];
const DEFAULT_PARTS: Part[] = ['cpu', 'saturated', 'delivery', 'latency', 'micro'];

/** How long each part runs. `--smoke` shrinks everything to check the harness works (CI), not the numbers. */
export interface Settings {
  smoke: boolean;
  parts: Part[];
  /** Fixed request rates (below saturation) for CPU per request, per endpoint name. */
  rates: Record<string, number>;
  /** Rounds of the CPU part: each round measures every configuration once per endpoint. */
  cpuRounds: number;
  /** Seconds of load per CPU window; the next window (another stack) runs while this one's spans drain. */
  cpuWindowSeconds: number;
  /** Rounds of the lever table (before, each lever, after, off) and of the on / always_off / off split. */
  leverRounds: number;
  /** Rounds for the profile and per-instrumentation parts. */
  attributionRounds: number;
  /** Saturated throughput: rounds of (tracing on, 10% sampled, off) runs. */
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
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',') : undefined;
  const unknown = (only ?? []).filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only: unknown part ${unknown.join(', ')}; parts are ${PARTS.join(', ')}`);
  const parts = (only as Part[] | undefined) ?? [
    ...DEFAULT_PARTS,
    ...(argv.includes('--levers') ? (['levers'] as const) : []),
    ...(argv.includes('--split') ? (['split'] as const) : []),
    ...(argv.includes('--profile') ? (['profile'] as const) : []),
    ...(argv.includes('--instrumentations') ? (['instrumentations'] as const) : []),
  ];
  const rates = { 'GET /api/products': 100, 'POST /api/orders': 20 };
  return smoke
    ? {
        smoke, parts, rates, cpuRounds: 1, cpuWindowSeconds: 2, leverRounds: 1, attributionRounds: 1,
        pairs: 1, connections: 4, warmupSeconds: 1, measureSeconds: 2, deliveryRates: [20], deliverySeconds: 3, exportLatencySamples: 1, microTimeMillis: 100,
      }
    : {
        smoke, parts, rates, cpuRounds: 5, cpuWindowSeconds: 15, leverRounds: 5, attributionRounds: 2,
        pairs: 2, connections: 10, warmupSeconds: 3, measureSeconds: 10, deliveryRates: [25, 50, 100, 200, 400], deliverySeconds: 30, exportLatencySamples: 3, microTimeMillis: 1000,
      };
}
