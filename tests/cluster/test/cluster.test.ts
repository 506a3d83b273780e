import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test, type TestContext } from 'node:test';
import { fromOtlp, type OtlpExportRequest, type PlainSpan } from '@tracelab/tracing/testing';
import { allReady, clusterEnv, clusterMemory, describePods, pods, podSecurityWarnings, portForward, type PortForward } from './support/kube';
import { capture, json, ROOT, run, waitFor } from './support/run';
import type { Flow } from './support/flow';
import { scenarioSteps } from './scenarios';
import { loadSteps } from './load';
import { faultSteps } from './faults';
import { noJaegerSteps } from './no-jaeger';
import { devLoopSteps } from './dev-loop';
import { jaegerProfileSteps } from './jaeger-profiles';

/**
 * TraceLab's main path on a real single-node Kubernetes (`npm run cluster`): `skaffold run` of the
 * default configuration with Jaeger installed by Helm, an order through the gateway Service, its
 * trace read back from the Jaeger in the cluster, `skaffold delete`, cluster down. One sequence:
 * each step needs the ones before it, and the cluster goes down at the end whatever happened.
 */
const skip =
  process.platform !== 'linux'
    ? `skipped: the local cluster (npm run cluster) runs on Linux only; this is ${process.platform}`
    : process.getuid?.() !== 0
      ? 'skipped: the local cluster (npm run cluster) starts containerd, kubelet and iptables rules, which needs root'
      : !existsSync(join(ROOT, 'scripts/cluster'))
        ? 'skipped: scripts/cluster (npm run cluster) is not in this checkout'
        : undefined;

const NAMESPACES = ['tracelab', 'observability'];
const SERVICES = ['gateway', 'orders', 'inventory'];
// postgres, gateway, orders, inventory, Jaeger and Prometheus (k8s/monitor).
const PODS = 6;
const MIN = 60_000;
const SPANS_PER_ORDER = 19;

const title = 'TraceLab on the local cluster: skaffold run, an order, its trace from the in-cluster Jaeger, skaffold delete, cluster down';
if (skip) {
  // One skipped test, so that npm test's count shows it with its reason.
  console.log(`cluster: ${skip}`);
  test(title, { skip }, () => {});
} else
  describe(title, () => {
    let env: NodeJS.ProcessEnv | undefined;
    let failedStep: string | undefined;
    let down = false;
    const forwards: PortForward[] = [];
    const timings: string[] = [];

    /** A step runs only when every step before it passed: later steps would only fail for the same reason. */
    const step = (name: string, timeout: number, body: (t: TestContext) => Promise<void>) =>
      test(name, { timeout }, async (t) => {
        if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
        try {
          await body(t);
        } catch (e) {
          failedStep = name;
          throw e;
        }
      });
    const cluster = () => env ?? assert.fail('no cluster environment');
    const skaffold = (args: string[], log: string, timeoutMs: number) => run('skaffold', [...args, '--update-check=false', '--interactive=false'], { env: cluster(), timeoutMs, log });
    const flow: Flow = { cluster, step, skaffold, forwards, timings, notes: {} };
    const helmReleases = () => json<Array<{ name: string; namespace: string; chart: string; status: string }>>('helm', ['list', '--all-namespaces', '-o', 'json'], cluster());

    after(async () => {
      for (const f of forwards) f.stop();
      // Whatever failed, the cluster does not outlive the test.
      // TRACELAB_CLUSTER_KEEP=1 leaves it up after a failure, to look at it (then npm run cluster -- down).
      if (!down && env && process.env.TRACELAB_CLUSTER_KEEP !== '1') {
        const r = await run('npm', ['run', '-s', 'cluster', '--', 'down'], { timeoutMs: 5 * MIN, log: 'cluster-down-after.log' });
        console.log(`cluster: down after a failed step: exit ${r.code}`);
      }
      console.log(`cluster: ${timings.join('; ')}`);
    });

    step('1. npm run cluster -- up (reused when it is up already): the node is Ready', 60 * MIN, async (t) => {
      const r = await run('npm', ['run', '-s', 'cluster', '--', 'up'], { timeoutMs: 55 * MIN, log: 'cluster-up.log' });
      assert.equal(r.code, 0, `npm run cluster -- up failed:\n${r.output}`);
      timings.push(`cluster up ${r.seconds.toFixed(0)} s`);
      env = clusterEnv();
      assert.ok(env.SKAFFOLD_DEFAULT_REPO, '`npm run cluster -- env` must export SKAFFOLD_DEFAULT_REPO (the local registry skaffold pushes to)');
      // Skaffold 2.16.1 runs `helm version --client` and passes --post-renderer: Helm 4 has neither.
      const helm = capture('helm', ['version', '--short'], cluster());
      assert.match(helm.stdout, /^v3\./, `\`npm run cluster -- env\` must put a Helm 3 on PATH for Skaffold 2.16.1 (scripts/helm/build.mjs builds one); helm version says: ${helm.stdout.trim()}${helm.stderr.trim()}`);
      const seconds = await waitFor('the node to be Ready', 3 * MIN, () => {
        const nodes = json<{ items: Array<{ metadata: { name: string }; status: { conditions: Array<{ type: string; status: string }> } }> }>('kubectl', ['get', 'nodes', '-o', 'json'], cluster()).items;
        const state = nodes.map((n) => `${n.metadata.name} Ready=${n.status.conditions.find((c) => c.type === 'Ready')?.status}`).join(', ');
        return { done: nodes.length === 1 && state.endsWith('Ready=True'), state: state || 'no nodes' };
      });
      t.diagnostic(`up in ${r.seconds.toFixed(0)} s, node Ready ${seconds.toFixed(0)} s later`);
      // A Service IP nobody holds (what a stale DNS answer points at) is refused at the node, not
      // routed off the machine (scripts/cluster/steps/forward.mjs). The rule first, so that a missing
      // one fails here without sending a packet out; then the refusal itself.
      const cidr = (await import(pathToFileURL(join(ROOT, 'scripts/cluster/config.mjs')).href)).CLUSTER.serviceCidr as string;
      for (const chain of ['OUTPUT', 'FORWARD']) {
        const listed = capture('iptables', ['-S', chain], process.env).stdout;
        assert.match(listed, new RegExp(`-A ${chain} -d ${cidr.replace(/[./]/g, '\\$&')} .*-j REJECT`), `no REJECT of ${cidr} in ${chain}:\n${listed}`);
      }
      const unused = cidr.replace(/\.0\.0\/16$/, '.255.254');
      const refused = await new Promise<string>((resolve) => {
        const socket = connect({ host: unused, port: 8080, timeout: 3000 });
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('timeout', () => (socket.destroy(), resolve('timed out')));
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      assert.equal(refused, 'ECONNREFUSED', `a connection to ${unused}:8080, a Service IP nobody holds`);
    });

    let runStarted = 0;
    step('2. skaffold run of the default configuration: images built and pushed, Jaeger installed by Helm, TraceLab applied', 45 * MIN, async (t) => {
      runStarted = Date.now();
      const r = await skaffold(['run', '--status-check=true'], 'skaffold-run.log', 40 * MIN);
      assert.equal(r.code, 0, `skaffold run failed:\n${r.output}`);
      timings.push(`skaffold run ${r.seconds.toFixed(0)} s`);
      const releases = helmReleases();
      const jaeger = releases.find((x) => x.name === 'jaeger');
      assert.ok(jaeger, `no Helm release jaeger: ${JSON.stringify(releases)}`);
      assert.deepEqual([jaeger.namespace, jaeger.chart, jaeger.status], ['observability', 'jaeger-4.11.1', 'deployed']);
      t.diagnostic(`skaffold run took ${r.seconds.toFixed(0)} s`);
    });

    step('3. every pod Ready, none restarted, under the restricted Pod Security profile enforced by namespace labels', 10 * MIN, async (t) => {
      const seconds = await waitFor(`${PODS} pods Ready in ${NAMESPACES.join(' and ')}`, 8 * MIN, () => allReady(cluster(), NAMESPACES, PODS));
      const toReady = (Date.now() - runStarted) / 1000;
      timings.push(`skaffold run to all-Ready ${toReady.toFixed(0)} s`);
      t.diagnostic(`all Ready ${seconds.toFixed(0)} s after skaffold run returned, ${toReady.toFixed(0)} s after it started`);
      const list = NAMESPACES.flatMap((ns) => pods(cluster(), ns));
      const restarted = list.filter((p) => (p.status.containerStatuses ?? []).some((c) => c.restartCount > 0));
      assert.deepEqual(restarted.map((p) => p.metadata.name), [], `restarted: ${describePods(restarted)}`);
      // The images are the stand-ins and builds from the local registry (profile tracelab).
      for (const p of list) for (const c of p.spec.containers) assert.match(c.image, /^localhost:5000\//, `${p.metadata.name}: ${c.image}`);

      const ns = json<{ metadata: { labels: Record<string, string> } }>('kubectl', ['get', 'namespace', 'tracelab', '-o', 'json'], cluster());
      assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
      // Enforced: the API server refuses a privileged pod there.
      const privileged = capture('kubectl', ['run', 'psa-probe', '-n', 'tracelab', '--image=localhost:5000/none', '--dry-run=server', '--overrides={"spec":{"containers":[{"name":"psa-probe","image":"localhost:5000/none","securityContext":{"privileged":true}}]}}'], cluster());
      assert.notEqual(privileged.code, 0, 'a privileged pod was admitted into namespace tracelab');
      assert.match(privileged.stderr, /violates PodSecurity "restricted:latest"/);
      // Every pod running in both namespaces passes restricted: the API server checks them when asked to enforce it.
      for (const n of NAMESPACES) assert.equal(podSecurityWarnings(cluster(), n, 'restricted'), '', `pods in ${n} that restricted would refuse`);

      const memory = clusterMemory();
      timings.push(`cluster memory with TraceLab ${memory.mib.toFixed(0)} MiB RSS in ${memory.processes} processes`);
      t.diagnostic(`cluster memory with TraceLab running: ${memory.mib.toFixed(0)} MiB RSS, ${memory.processes} processes: ${JSON.stringify(memory.byProgram)}`);
    });

    let traceId = '';
    let gatewayUrl = '';
    step('4. an order through the gateway Service', 3 * MIN, async (t) => {
      const forward = await portForward(cluster(), 'tracelab', 'gateway', 8080);
      forwards.push(forward);
      gatewayUrl = forward.url;
      let answer = '';
      await waitFor('POST /api/orders through the gateway Service to answer 201', 2 * MIN, async () => {
        const res = await fetch(`${gatewayUrl}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: 'customer-cluster-7e21', items: [{ sku: 'SKU-001', quantity: 1 }] }),
          signal: AbortSignal.timeout(20_000),
        });
        answer = `${res.status} ${(await res.text()).slice(0, 300)}`;
        traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get('traceresponse') ?? '')?.[1] ?? '';
        return { done: res.status === 201 && traceId !== '', state: `${answer} traceresponse=${res.headers.get('traceresponse')}` };
      }, 3000);
      t.diagnostic(`order: ${answer}; trace ${traceId}`);
    });

    let jaegerUi = '';
    step(`5. the trace from the in-cluster Jaeger's API v3: ${SPANS_PER_ORDER} spans over ${SERVICES.length} services, each with its pod, namespace and node`, 3 * MIN, async (t) => {
      const forward = await portForward(cluster(), 'observability', 'jaeger', 16686);
      forwards.push(forward);
      jaegerUi = forward.url;
      let spans: PlainSpan[] = [];
      await waitFor(`GET /api/v3/traces/${traceId} to hold ${SPANS_PER_ORDER} spans`, 2 * MIN, async () => {
        const res = await fetch(`${forward.url}/api/v3/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
        if (res.status === 404) return { done: false, state: '404: not in Jaeger yet' };
        if (res.status !== 200) return { done: false, state: `${res.status} ${(await res.text()).slice(0, 200)}` };
        spans = fromOtlp(((await res.json()) as { result?: OtlpExportRequest }).result ?? {});
        return { done: spans.length >= SPANS_PER_ORDER, state: `${spans.length} spans from ${[...new Set(spans.map((s) => s.service))].join(', ')}` };
      });
      assert.equal(spans.length, SPANS_PER_ORDER);
      assert.deepEqual(new Set(spans.map((s) => s.service)), new Set(SERVICES));
      const running = pods(cluster(), 'tracelab');
      for (const s of spans) {
        const where = `${s.service} span "${s.name}"`;
        const pod = running.find((p) => p.metadata.name === s.resource['k8s.pod.name']);
        assert.ok(pod, `${where}: k8s.pod.name ${s.resource['k8s.pod.name']} is no running pod`);
        assert.equal(pod.metadata.labels?.['app.kubernetes.io/name'], s.service, `${where}: pod ${pod.metadata.name} is not ${s.service}'s`);
        assert.equal(s.resource['k8s.namespace.name'], 'tracelab', where);
        assert.equal(s.resource['k8s.node.name'], pod.spec.nodeName, where);
      }
      t.diagnostic(`${spans.length} spans: ${[...new Set(spans.map((s) => `${s.service}@${s.resource['k8s.pod.name']}`))].join(', ')} on node ${spans[0].resource['k8s.node.name']}`);
    });

    // The Monitor tab: Jaeger's spanmetrics connector -> its prometheus exporter (8889) -> the
    // cluster's Prometheus (k8s/monitor, scraping every 15 s) -> Jaeger's metrics query.
    step("5b. the Monitor tab's data: Jaeger's /api/metrics/calls for gateway answers from the cluster's Prometheus with the order's operation", 3 * MIN, async (t) => {
      let operations: string[] = [];
      await waitFor('GET /api/metrics/calls?service=gateway to show a non-zero call rate', 2 * MIN, async () => {
        const query = new URLSearchParams({ service: 'gateway', endTs: String(Date.now()), lookback: String(15 * 60_000), step: '15000', ratePer: '60000', spanKind: 'server', groupByOperation: 'true' });
        const res = await fetch(`${jaegerUi}/api/metrics/calls?${query}`, { signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        if (res.status !== 200) return { done: false, state: `${res.status} ${text.slice(0, 200)}` };
        type Family = { metrics?: Array<{ labels?: Array<{ name: string; value: string }>; metricPoints?: Array<{ gaugeValue?: { doubleValue?: number | string } }> }> };
        const body = JSON.parse(text) as Family & { data?: Family };
        const series = (body.metrics ?? body.data?.metrics ?? []).filter((m) => (m.metricPoints ?? []).some((p) => Number(p.gaugeValue?.doubleValue) > 0));
        operations = series.map((m) => m.labels?.find((l) => l.name === 'operation')?.value ?? '?');
        return { done: operations.includes('POST /api/orders'), state: `operations with calls: ${operations.join(', ') || 'none'}` };
      });
      t.diagnostic(`gateway operations in the Monitor tab: ${operations.join(', ')}`);
    });

    scenarioSteps(flow);
    loadSteps(flow);
    faultSteps(flow);
    jaegerProfileSteps(flow);

    /** Nothing of TraceLab in the cluster: its namespace gone, no release, no volume, nothing left in observability. */
    const nothingLeft = async (what: string) => {
      const seconds = await waitFor(`namespace tracelab to be gone after ${what}`, 3 * MIN, () => {
        const r = capture('kubectl', ['get', 'namespace', 'tracelab', '-o', 'name'], cluster());
        return { done: r.code !== 0 && /NotFound/.test(r.stderr), state: r.stdout.trim() || r.stderr.trim() };
      });
      assert.deepEqual(helmReleases().map((r) => `${r.namespace}/${r.name}`), []);
      const left = json<{ items: Array<{ kind: string; metadata: { name: string } }> }>('kubectl', ['get', 'all,configmaps,secrets,serviceaccounts,persistentvolumeclaims,networkpolicies', '-n', 'observability', '-o', 'json'], cluster()).items;
      // What every namespace has: its default ServiceAccount and the cluster's CA bundle.
      const own = left.filter((o) => !(o.kind === 'ServiceAccount' && o.metadata.name === 'default') && !(o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'));
      assert.deepEqual(own.map((o) => `${o.kind}/${o.metadata.name}`), [], 'left in namespace observability');
      await waitFor('the PersistentVolumes of TraceLab\'s claims to be deleted', 2 * MIN, () => {
        const pvs = json<{ items: Array<{ metadata: { name: string }; spec: { claimRef?: { namespace: string; name: string } } }> }>('kubectl', ['get', 'pv', '-o', 'json'], cluster()).items;
        const ours = pvs.filter((p) => p.spec.claimRef?.namespace === 'tracelab');
        return { done: ours.length === 0, state: ours.map((p) => `${p.metadata.name} (${p.spec.claimRef!.name})`).join(', ') };
      });
      const labelled = capture('kubectl', ['get', 'all', '--all-namespaces', '-l', 'app.kubernetes.io/part-of=tracelab', '-o', 'name'], cluster());
      assert.equal(labelled.stdout.trim(), '', 'objects labelled part-of=tracelab');
      return seconds;
    };

    step('6. skaffold delete leaves nothing of TraceLab', 10 * MIN, async (t) => {
      for (const f of forwards.splice(0)) f.stop();
      const r = await skaffold(['delete'], 'skaffold-delete.log', 5 * MIN);
      assert.equal(r.code, 0, `skaffold delete failed:\n${r.output}`);
      const gone = await nothingLeft('skaffold delete');
      timings.push(`skaffold delete ${r.seconds.toFixed(0)} s (+${gone.toFixed(0)} s until the namespace was gone)`);
      t.diagnostic(`skaffold delete ${r.seconds.toFixed(0)} s, namespace gone ${gone.toFixed(0)} s later`);
    });

    step('6b. skaffold run again with the images built (warm) to all-Ready, and skaffold delete again', 20 * MIN, async (t) => {
      const began = Date.now();
      const r = await skaffold(['run', '--status-check=true'], 'skaffold-run-warm.log', 10 * MIN);
      assert.equal(r.code, 0, `skaffold run (warm) failed:\n${r.output}`);
      await waitFor(`${PODS} pods Ready again`, 5 * MIN, () => allReady(cluster(), NAMESPACES, PODS));
      const warm = (Date.now() - began) / 1000;
      const d = await skaffold(['delete'], 'skaffold-delete-warm.log', 5 * MIN);
      assert.equal(d.code, 0, `skaffold delete failed:\n${d.output}`);
      await nothingLeft('the second skaffold delete');
      timings.push(`warm skaffold run to all-Ready ${warm.toFixed(0)} s, its delete ${d.seconds.toFixed(0)} s`);
      t.diagnostic(`warm: skaffold run to all-Ready ${warm.toFixed(0)} s (skaffold run itself ${r.seconds.toFixed(0)} s); delete ${d.seconds.toFixed(0)} s`);
    });

    noJaegerSteps(flow);
    devLoopSteps(flow);

    step('7. npm run cluster -- down leaves nothing at all: no process, mount, link, iptables chain or listening port', 10 * MIN, async (t) => {
      const config = (await import(pathToFileURL(join(ROOT, 'scripts/cluster/config.mjs')).href)) as { STATE: string; CACHE: string; PORTS: Record<string, number>; CLUSTER: { bridge: string } };
      const r = await run('npm', ['run', '-s', 'cluster', '--', 'down'], { timeoutMs: 5 * MIN, log: 'cluster-down.log' });
      down = true;
      assert.equal(r.code, 0, `npm run cluster -- down failed:\n${r.output}`);
      timings.push(`cluster down ${r.seconds.toFixed(0)} s`);
      const status = capture('npm', ['run', '-s', 'cluster', '--', 'status'], process.env, 60_000);
      t.diagnostic(`status after down (exit ${status.code}): ${(status.stdout + status.stderr).trim().replace(/\n/g, ' | ')}`);

      // Checked here as well as by status: the cluster's own report is not the only witness.
      const leftovers: string[] = [];
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
          if (cmdline.includes(config.STATE) || cmdline.includes(config.CACHE)) leftovers.push(`process ${pid}: ${cmdline.slice(0, 160)}`);
        } catch {
          // gone meanwhile
        }
      }
      for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) if (line.includes(config.STATE)) leftovers.push(`mount: ${line}`);
      const links = capture('ip', ['-o', 'link', 'show'], process.env).stdout.split('\n').filter((l) => new RegExp(`: (${config.CLUSTER.bridge}|veth[^:]*)[:@]`).test(l));
      leftovers.push(...links.map((l) => `link: ${l.slice(0, 120)}`));
      for (const table of ['filter', 'nat', 'mangle']) {
        const rules = capture('iptables-save', ['-t', table], process.env).stdout.split('\n').filter((l) => /KUBE-|CNI-/.test(l) || l.includes(config.CLUSTER.bridge) || l.includes('tracelab cluster'));
        leftovers.push(...rules.map((l) => `iptables ${table}: ${l}`));
      }
      const listening = capture('ss', ['-Hltn'], process.env).stdout;
      for (const [name, port] of Object.entries(config.PORTS)) if (new RegExp(`:${port}\\s`).test(listening)) leftovers.push(`port ${port} (${name}) still listening`);
      assert.deepEqual(leftovers, []);
    });
  });
