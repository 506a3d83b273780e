// `npm run screenshots -- --cluster`: one picture from the in-cluster Jaeger, the scenario the
// cluster runs now (`skaffold run -p slow-query` on `npm run cluster`, or Minikube), with the span's
// process tags open so the pod and node show. Reaches the cluster as a user does: kubectl on PATH
// (eval "$(npm run -s cluster -- env)"), `kubectl port-forward` to the gateway and Jaeger Services.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launchChromium } from './support/browser';
import { waitForTrace, CLIENT } from './support/jaeger-api';
import { openSpan } from './support/jaeger-ui';
import { call } from './support/stack';

/** The request whose trace shows each scenario (docs/scenarios.md "What you see"). */
const REQUEST: Record<string, [method: string, path: string]> = {
  'slow-query': ['GET', '/api/products/SKU-001'],
  'n-plus-one': ['GET', '/api/customers/customer-42/orders'],
  'sequential-fanout': ['GET', '/api/customers/customer-42/orders'],
  exception: ['GET', '/api/orders/<id>'],
};

export async function clusterScreenshot(out: string): Promise<void> {
  const kubectl = (args: string[]) => {
    const r = spawnSync('kubectl', args, { encoding: 'utf8', timeout: 30_000 });
    if (r.error || r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${(r.error?.message ?? r.stderr).trim()} (is kubectl on PATH and TraceLab deployed? eval "$(npm run -s cluster -- env)"; skaffold run -p slow-query)`);
    return r.stdout;
  };
  const fault = JSON.parse(kubectl(['get', 'configmap', 'faults-config', '-n', 'tracelab', '-o', 'json'])).data?.TRACELAB_FAULTS as string | undefined;
  const request = fault && REQUEST[fault];
  if (!request) throw new Error(`the cluster runs ${fault ? `"${fault}"` : 'no scenario'}; deploy one of ${Object.keys(REQUEST).join(', ')} first (skaffold run -p slow-query)`);

  const forwards = await Promise.all([forward('tracelab', 'gateway', 8080), forward('observability', 'jaeger', 16686)]);
  const [gateway, jaeger] = forwards.map((f) => f.url);
  const browser = await launchChromium();
  try {
    let path = request[1];
    if (path.includes('<id>')) {
      const placed = await call(gateway, 'POST', '/api/orders', { body: { customerId: 'customer-42', items: [{ sku: 'SKU-003', quantity: 1 }] } });
      path = path.replace('<id>', (placed.body as { id: string }).id);
    }
    await call(gateway, request[0], path); // the first request opens connections and plans queries
    const shown = await call(gateway, request[0], path);
    const spans = await waitForTrace(jaeger, shown.traceId, 30_000);
    // The span the scenario is about: its slowest database call, else its slowest CLIENT span.
    const db = spans.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    const focus = [...(db.length ? db : spans.filter((s) => s.kind === CLIENT))].sort((a, b) => b.durationMs - a.durationMs)[0];
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${jaeger}/trace/${shown.traceId}`);
    await page.locator('.VirtualizedTraceView--row').first().waitFor();
    // Rows are in start order: the focus is the nth of the spans with its service and name.
    const namesakes = spans.filter((s) => s.service === focus.service && s.name === focus.name).sort((a, b) => a.startMs - b.startMs);
    const detail = await openSpan(page, focus.service, focus.name, namesakes.indexOf(focus));
    const processTags = detail.locator('.AccordianKeyValues--header', { hasText: /^\s*Process/ }).first();
    if ((await processTags.getAttribute('aria-checked')) !== 'true') await processTags.click();
    const tags = await detail.innerText();
    for (const key of ['k8s.pod.name', 'k8s.node.name']) if (!tags.includes(key)) throw new Error(`the span's process shows no ${key}: ${tags.replace(/\s+/g, ' ').slice(0, 300)}`);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    const file = join(out, `jaeger-cluster-${fault}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`wrote ${file} (trace ${shown.traceId}, span "${focus.name}" of ${focus.service}, ${focus.durationMs.toFixed(1)} ms)`);
  } finally {
    await browser.close();
    for (const f of forwards) f.stop();
  }
}

/** `kubectl port-forward` to a Service on a free local port; resolves once it says where. */
function forward(namespace: string, service: string, port: number): Promise<{ url: string; stop(): void }> {
  const child = spawn('kubectl', ['port-forward', '-n', namespace, `svc/${service}`, `:${port}`, '--address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => void child.kill('SIGTERM');
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => (stop(), reject(new Error(`kubectl port-forward svc/${service}: nothing within 30 s: ${said.trim()}`))), 30_000);
    const onData = (d: Buffer) => {
      said += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(said);
      if (m) (clearTimeout(timer), resolve({ url: `http://127.0.0.1:${m[1]}`, stop }));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`kubectl port-forward svc/${service} exited ${code}: ${said.trim()}`))));
  });
}
