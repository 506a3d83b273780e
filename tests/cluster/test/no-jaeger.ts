// Step 6c: profile `no-jaeger` against a Jaeger the user installed with Helm alone (README "Without
// Skaffold"), here from the chart's local copy with the stand-in image the tracelab profile built.
import assert from 'node:assert/strict';
import { dropForwards, MIN, settled, type Flow } from './support/flow';
import { completeTrace } from './support/jaeger';
import { pods } from './support/kube';
import { capture, json, run, waitFor } from './support/run';
import { order } from './support/traffic';

const CHART = '../shared/reference/charts/jaeger';

type Release = { name: string; namespace: string; chart: string; status: string };

export function noJaegerSteps(flow: Flow) {
  flow.step('6c. helm install jaeger by hand, then skaffold run -p no-jaeger exports to it; skaffold delete removes TraceLab only', 15 * MIN, async (t) => {
    const image = flow.notes.jaegerImage ?? assert.fail('no Jaeger image seen in step 5c');
    const m = /^([^/]+)\/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]+))?$/.exec(image) ?? assert.fail(`Jaeger image ${image}`);
    const env = flow.cluster();
    const helm = (args: string[], log: string) => run('helm', args, { env, timeoutMs: 5 * MIN, log });

    // Helm leaves the namespace it created behind (step 6): create it only when it is missing.
    if (capture('kubectl', ['get', 'namespace', 'observability'], env).code !== 0) {
      const ns = capture('kubectl', ['create', 'namespace', 'observability'], env);
      assert.equal(ns.code, 0, ns.stderr);
    }
    const imageSets = ['--set', `jaeger.image.registry=${m[1]}`, '--set', `jaeger.image.repository=${m[2]}`, ...(m[4] ? ['--set', `jaeger.image.digest=${m[4]}`] : ['--set', `jaeger.image.tag=${m[3]}`])];
    const installed = await helm(['install', 'jaeger', CHART, '-n', 'observability', '-f', 'helm-values/jaeger.yaml', ...imageSets, '--wait', '--timeout', '4m'], 'helm-install-jaeger.log');
    assert.equal(installed.code, 0, `helm install jaeger failed:\n${installed.output}`);

    const r = await flow.skaffold(['run', '-p', 'no-jaeger', '--status-check=true'], 'skaffold-run-no-jaeger.log', 10 * MIN);
    assert.equal(r.code, 0, `skaffold run -p no-jaeger failed:\n${r.output}`);
    const releases = () => json<Release[]>('helm', ['list', '--all-namespaces', '-o', 'json'], env).map((x) => `${x.namespace}/${x.name} ${x.chart} ${x.status}`);
    assert.deepEqual(releases(), ['observability/jaeger jaeger-4.11.1 deployed'], 'Skaffold installed or changed no release');
    // postgres, gateway, orders, inventory and the user's Jaeger; no Prometheus (k8s/monitor is left out).
    const where = await settled(flow, 5);
    assert.deepEqual(pods(env, 'observability').map((p) => p.metadata.labels?.['app.kubernetes.io/name']), ['jaeger']);

    let traceId = '';
    await waitFor('an order through the gateway to answer 201', 2 * MIN, async () => {
      const a = await order(where.gateway, 'customer-no-jaeger', [['SKU-001', 1]]);
      traceId = a.traceId;
      return { done: a.status === 201, state: `${a.status} ${JSON.stringify(a.body).slice(0, 200)}` };
    }, 3000);
    const spans = await completeTrace(where.jaeger, traceId);
    assert.deepEqual(new Set(spans.map((s) => s.service)), new Set(['gateway', 'orders', 'inventory']));
    t.diagnostic(`no-jaeger: ${spans.length} spans of the order in the user's Jaeger`);

    dropForwards(flow);
    const d = await flow.skaffold(['delete', '-p', 'no-jaeger'], 'skaffold-delete-no-jaeger.log', 5 * MIN);
    assert.equal(d.code, 0, `skaffold delete -p no-jaeger failed:\n${d.output}`);
    await waitFor('namespace tracelab to be gone', 3 * MIN, () => {
      const g = capture('kubectl', ['get', 'namespace', 'tracelab', '-o', 'name'], env);
      return { done: g.code !== 0 && /NotFound/.test(g.stderr), state: g.stdout.trim() || g.stderr.trim() };
    });
    assert.deepEqual(releases(), ['observability/jaeger jaeger-4.11.1 deployed'], "skaffold delete left the user's Jaeger release alone");
    const jaeger = pods(env, 'observability');
    assert.ok(jaeger.length === 1 && jaeger[0].status.phase === 'Running', `the user's Jaeger still runs: ${jaeger.map((p) => `${p.metadata.name} ${p.status.phase}`).join(', ')}`);

    // The user's own clean-up, so that the cluster is as step 6 left it.
    const u = await helm(['uninstall', 'jaeger', '-n', 'observability', '--wait'], 'helm-uninstall-jaeger.log');
    assert.equal(u.code, 0, u.output);
    const del = capture('kubectl', ['delete', 'namespace', 'observability', '--wait=true', '--timeout=120s'], env, 150_000);
    assert.equal(del.code, 0, del.stderr);
    flow.timings.push(`no-jaeger: skaffold run ${r.seconds.toFixed(0)} s, delete ${d.seconds.toFixed(0)} s`);
  });
}
