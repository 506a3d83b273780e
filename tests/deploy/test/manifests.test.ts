import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { allowed, type Endpoint } from './support/network-policy';
import { APPS, loadKustomization, podLabelsOf, podSpecOf, readYaml, workloads, type Container, type Manifest } from './support/repo';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate, strip } from './support/validate';

const { namespace, manifests } = loadKustomization();
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);

describe('k8s/: every manifest is a valid Kubernetes object', () => {
  before(loadModels);

  test('the kustomization lists files that parse into the expected objects', () => {
    const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    for (const app of APPS) {
      for (const kind of ['Deployment', 'Service', 'ServiceAccount']) assert.ok(kinds.includes(`${kind}/${app}`), `${kind}/${app} missing`);
    }
    for (const expected of ['Namespace/tracelab', 'StatefulSet/postgres', 'Service/postgres', 'Secret/postgres-credentials', 'ConfigMap/otel-config']) {
      assert.ok(kinds.includes(expected), `${expected} missing`);
    }
    assert.equal(namespace, 'tracelab');
  });

  for (const m of manifests) {
    test(`${m.kind}/${m.metadata.name} (${m.source}) validates against the API schema and has no unknown field`, async () => {
      await schemaValidate(m);
      assert.deepEqual(unknownFields(strip(m), typeName(m.apiVersion, m.kind)), []);
    });
  }

  test('the validators do catch mistakes: a typo\'d field and a wrongly typed value are rejected', async () => {
    const deployment = structuredClone(named('Deployment', 'orders')!);
    const container = (podSpecOf(deployment)!.containers[0] as unknown) as Record<string, unknown>;
    container.imagee = container.image;
    assert.deepEqual(unknownFields(strip(deployment), 'V1Deployment'), ['spec.template.spec.containers[0].imagee']);
    const wrong = structuredClone(named('Deployment', 'orders')!);
    (wrong.spec as Record<string, unknown>).replicas = 'one';
    await assert.rejects(schemaValidate(wrong));
  });
});

describe('k8s/: references between objects hold', () => {
  const containersOf = (m: Manifest) => podSpecOf(m)!.containers;
  const portNumber = (c: Container[], port: number | string) =>
    typeof port === 'number' ? c.flatMap((x) => x.ports ?? []).find((p) => p.containerPort === port) : c.flatMap((x) => x.ports ?? []).find((p) => p.name === port);

  test('every Service selects pods of exactly one workload, and its targetPorts are ports of those pods', () => {
    for (const svc of byKind('Service')) {
      const spec = svc.spec as { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number | string }> };
      const matching = workloads(manifests).filter((w) => Object.entries(spec.selector).every(([k, v]) => podLabelsOf(w)[k] === v));
      assert.equal(matching.length, 1, `Service/${svc.metadata.name} selects ${matching.length} workloads`);
      for (const p of spec.ports) assert.ok(portNumber(containersOf(matching[0]), p.targetPort), `Service/${svc.metadata.name} targetPort ${p.targetPort}`);
      // The Deployment's own selector must match its template too, or it never owns its pods.
      const own = (matching[0].spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      assert.ok(Object.entries(own).every(([k, v]) => podLabelsOf(matching[0])[k] === v));
    }
  });

  test('probe ports are container ports; the services probe /health/ready and /health/live', () => {
    for (const w of workloads(manifests)) {
      for (const c of containersOf(w)) {
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          assert.ok(probe, `${w.metadata.name}/${c.name} lacks a probe`);
          if (probe.httpGet) assert.ok(portNumber([c], probe.httpGet.port), `${w.metadata.name} probe port ${probe.httpGet.port}`);
        }
        if ((APPS as readonly string[]).includes(w.metadata.name)) {
          assert.equal(c.readinessProbe?.httpGet?.path, '/health/ready');
          assert.equal(c.livenessProbe?.httpGet?.path, '/health/live');
        }
      }
    }
  });

  test('every ConfigMap, Secret and Secret key referenced exists', () => {
    const exists = (kind: string, name: string, key?: string) => {
      const m = named(kind, name);
      assert.ok(m, `${kind}/${name} is referenced but not defined`);
      if (key) {
        const data = { ...(m.data as object), ...(m.stringData as object) };
        assert.ok(key in data, `${kind}/${name} has no key ${key}`);
      }
    };
    for (const w of workloads(manifests)) {
      const spec = podSpecOf(w)!;
      for (const v of spec.volumes ?? []) {
        if (v.configMap) exists('ConfigMap', v.configMap.name);
        if (v.secret) exists('Secret', v.secret.secretName);
      }
      for (const c of spec.containers) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) exists('ConfigMap', from.configMapRef.name);
          if (from.secretRef) exists('Secret', from.secretRef.name);
        }
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) exists('Secret', e.valueFrom.secretKeyRef.name!, e.valueFrom.secretKeyRef.key);
          if (e.valueFrom?.configMapKeyRef) exists('ConfigMap', e.valueFrom.configMapKeyRef.name!, e.valueFrom.configMapKeyRef.key);
        }
        for (const mount of c.volumeMounts ?? []) {
          const volumes = [...(spec.volumes ?? []).map((v) => v.name), ...((w.spec as { volumeClaimTemplates?: Array<{ metadata: { name: string } }> }).volumeClaimTemplates ?? []).map((t) => t.metadata.name)];
          assert.ok(volumes.includes(mount.name), `${w.metadata.name}: volume ${mount.name} not defined`);
        }
      }
    }
  });

  test('each service gets its OTEL_SERVICE_NAME, the shared OTel config, and pod/namespace/node through the Downward API', () => {
    for (const app of APPS) {
      const c = containersOf(named('Deployment', app)!)[0];
      const env = new Map((c.env ?? []).map((e, i) => [e.name, { ...e, index: i }]));
      assert.equal(env.get('OTEL_SERVICE_NAME')?.value, app);
      assert.ok(c.envFrom?.some((f) => f.configMapRef?.name === 'otel-config'));
      const attrs = env.get('OTEL_RESOURCE_ATTRIBUTES')!;
      for (const [attr, field] of [['k8s.pod.name', 'metadata.name'], ['k8s.namespace.name', 'metadata.namespace'], ['k8s.node.name', 'spec.nodeName']]) {
        const ref = /\$\(([A-Z0-9_]+)\)/.exec(attrs.value!.split(',').find((kv) => kv.startsWith(`${attr}=`)) ?? '')?.[1];
        assert.ok(ref, `${app}: ${attr} missing from OTEL_RESOURCE_ATTRIBUTES`);
        const source = env.get(ref)!;
        assert.equal(source?.valueFrom?.fieldRef?.fieldPath, field, `${app}: ${ref} must come from ${field}`);
        // $(VAR) expands only variables defined earlier in the list.
        assert.ok(source.index < attrs.index, `${app}: ${ref} must precede OTEL_RESOURCE_ATTRIBUTES`);
      }
    }
  });

  test('the OTLP endpoint is the Service that Helm release "jaeger" creates in "observability", port 4317', () => {
    const skaffold = readYaml<{ deploy: { helm: { releases: Array<{ name: string; namespace: string; remoteChart: string }> } } }>('skaffold.yaml');
    const release = skaffold.deploy.helm.releases.find((r) => r.remoteChart === 'jaeger')!;
    // Chart 4.x names its Service after the release when the release name contains "jaeger".
    assert.match(release.name, /jaeger/);
    const endpoint = new URL((named('ConfigMap', 'otel-config')!.data as Record<string, string>).OTEL_EXPORTER_OTLP_ENDPOINT);
    assert.equal(endpoint.hostname, `${release.name}.${release.namespace}.svc.cluster.local`);
    assert.equal(endpoint.port, '4317');
  });

  test('the images in the manifests are exactly the Skaffold artifacts', () => {
    const skaffold = readYaml<{ build: { artifacts: Array<{ image: string }> } }>('skaffold.yaml');
    const images = new Set(workloads(manifests).flatMap((w) => containersOf(w).map((c) => c.image)).filter((i) => !i.includes(':')));
    assert.deepEqual(images, new Set(skaffold.build.artifacts.map((a) => a.image)));
    assert.deepEqual(new Set(skaffold.build.artifacts.map((a) => a.image)), new Set(APPS));
  });
});

describe('k8s/: security and resources for every container', () => {
  for (const w of workloads(manifests)) {
    test(`${w.kind}/${w.metadata.name}: restricted pod security, requests and limits, graceful termination`, () => {
      const spec = podSpecOf(w)!;
      const pod = spec.securityContext ?? {};
      assert.equal(pod.runAsNonRoot, true);
      assert.ok(Number.isInteger(pod.runAsUser) && (pod.runAsUser as number) > 0, 'numeric non-root runAsUser');
      assert.deepEqual(pod.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal((w.spec as { template: { spec: { automountServiceAccountToken?: boolean } } }).template.spec.automountServiceAccountToken, false);
      assert.ok((spec.terminationGracePeriodSeconds ?? 30) > 2, 'longer than the 2 s span flush');
      for (const c of spec.containers) {
        const sc = c.securityContext ?? {};
        assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
        assert.deepEqual((sc.capabilities as { drop: string[] })?.drop, ['ALL'], `${c.name}: capabilities`);
        assert.ok(c.volumeMounts?.some((v) => v.mountPath === '/tmp'), `${c.name}: a writable /tmp`);
        for (const r of ['cpu', 'memory']) {
          assert.ok(c.resources?.requests?.[r], `${c.name}: requests.${r}`);
          assert.ok(c.resources?.limits?.[r], `${c.name}: limits.${r}`);
        }
      }
    });
  }

  test('the namespace enforces the "restricted" Pod Security Standard', () => {
    assert.equal(named('Namespace', 'tracelab')!.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  });
});

describe('k8s/: NetworkPolicies allow exactly the request path', () => {
  const policies = byKind('NetworkPolicy');
  const pod = (name: string): Endpoint => ({ namespace, labels: podLabelsOf(workloads(manifests).find((w) => w.metadata.name === name)!) });
  const outside: Endpoint = { namespace: 'default', labels: { app: 'curl' } };
  const jaeger: Endpoint = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'jaeger' } };
  const dns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

  const cases: Array<[string, Endpoint, Endpoint, number, boolean]> = [
    ['outside → gateway', outside, pod('gateway'), 8080, true],
    ['outside → orders', outside, pod('orders'), 8080, false],
    ['outside → inventory', outside, pod('inventory'), 8080, false],
    ['outside → postgres', outside, pod('postgres'), 5432, false],
    ['gateway → orders', pod('gateway'), pod('orders'), 8080, true],
    ['gateway → inventory', pod('gateway'), pod('inventory'), 8080, true],
    ['orders → inventory', pod('orders'), pod('inventory'), 8080, true],
    ['inventory → orders', pod('inventory'), pod('orders'), 8080, false],
    ['orders → postgres', pod('orders'), pod('postgres'), 5432, true],
    ['inventory → postgres', pod('inventory'), pod('postgres'), 5432, true],
    ['gateway → postgres', pod('gateway'), pod('postgres'), 5432, false],
    ['gateway → jaeger:4317', pod('gateway'), jaeger, 4317, true],
    ['orders → jaeger:4317', pod('orders'), jaeger, 4317, true],
    ['inventory → jaeger:4317', pod('inventory'), jaeger, 4317, true],
    ['orders → jaeger:16686', pod('orders'), jaeger, 16686, false],
    ['postgres → jaeger:4317', pod('postgres'), jaeger, 4317, false],
    ['inventory → kube-dns:53', pod('inventory'), dns, 53, true],
  ];
  for (const [name, from, to, port, expected] of cases) {
    test(`${name} is ${expected ? 'allowed' : 'denied'}`, () => assert.equal(allowed(policies, from, to, port), expected));
  }
});

describe('resource budget of the whole deployment (TraceLab + PostgreSQL + Jaeger)', () => {
  const cpu = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
  const mem = (q: string) => {
    const m = /^(\d+)(Mi|Gi)$/.exec(q);
    assert.ok(m, `memory quantity ${q}: use Mi or Gi`);
    return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
  };

  test('requests fit a 2-CPU / 4 GiB Minikube next to its system pods (~750m CPU, ~300 MiB requested)', () => {
    const jaeger = readYaml<{ jaeger: { resources: Container['resources'] } }>('helm-values/jaeger.yaml').jaeger.resources!;
    const rows: Array<[string, Container['resources']]> = [
      ...workloads(manifests).flatMap((w) => podSpecOf(w)!.containers.map((c): [string, Container['resources']] => [w.metadata.name, c.resources])),
      ['jaeger (Helm)', jaeger],
    ];
    const total = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
    for (const [, r] of rows) {
      for (const kind of ['requests', 'limits'] as const) {
        total[kind].cpu += cpu(r![kind]!.cpu);
        total[kind].memory += mem(r![kind]!.memory);
      }
    }
    console.log(
      rows.map(([n, r]) => `${n}: requests ${r!.requests!.cpu} CPU / ${r!.requests!.memory}, limits ${r!.limits!.cpu} CPU / ${r!.limits!.memory}`).join('\n') +
        `\ntotal: requests ${total.requests.cpu}m CPU / ${total.requests.memory} Mi, limits ${total.limits.cpu}m CPU / ${total.limits.memory} Mi`,
    );
    assert.ok(total.requests.cpu + 750 <= 2000, `CPU requests ${total.requests.cpu}m`);
    assert.ok(total.requests.memory + 300 <= 4096 - 1024, `memory requests ${total.requests.memory} Mi`);
  });
});
