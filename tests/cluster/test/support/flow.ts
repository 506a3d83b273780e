// What the ordered steps of cluster.test.ts share with the step files that register into it.
import type { TestContext } from 'node:test';
import { allReady, pods, portForward, type PortForward } from './kube';
import type { Result } from './run';
import { waitFor } from './run';

export const MIN = 60_000;

export interface Flow {
  /** The environment of `eval "$(npm run -s cluster -- env)"`; throws before step 1 has run. */
  cluster(): NodeJS.ProcessEnv;
  /** A test that runs only when every step before it passed. */
  step(name: string, timeout: number, body: (t: TestContext) => Promise<void>): void;
  skaffold(args: string[], log: string, timeoutMs: number): Promise<Result>;
  /** Port-forwards stopped at the end (or by whoever redeploys). */
  forwards: PortForward[];
  /** One line each, printed at the end. */
  timings: string[];
  /** What one step saw that a later one needs (the Jaeger image, for no-jaeger's own install). */
  notes: { jaegerImage?: string };
}

/** Stops every open port-forward: a redeploy replaces the pods they are bound to. */
export function dropForwards(flow: Flow) {
  for (const f of flow.forwards.splice(0)) f.stop();
}

/**
 * After a (re)deploy: every pod of tracelab and observability Ready, none still terminating, at least
 * `count` of them; then fresh port-forwards to the gateway and Jaeger Services.
 */
export async function settled(flow: Flow, count: number, timeoutMs = 5 * MIN) {
  dropForwards(flow);
  await waitFor(`${count} pods Ready in tracelab and observability, none terminating`, timeoutMs, () => {
    const state = allReady(flow.cluster(), ['tracelab', 'observability'], count);
    const leaving = ['tracelab', 'observability'].flatMap((ns) => pods(flow.cluster(), ns)).filter((p) => (p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
    return { done: state.done && leaving.length === 0, state: state.state };
  });
  const gateway = await portForward(flow.cluster(), 'tracelab', 'gateway', 8080);
  flow.forwards.push(gateway);
  const jaeger = await portForward(flow.cluster(), 'observability', 'jaeger', 16686);
  flow.forwards.push(jaeger);
  return { gateway: gateway.url, jaeger: jaeger.url };
}
