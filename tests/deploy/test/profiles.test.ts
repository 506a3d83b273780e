import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import type { ConfigRender } from '../src/render';
import { restrictedViolations } from './support/pod-security';
import { APPS, podLabelsOf, podSpecOf, ROOT, workloads, type Container } from './support/repo';
import { LABELS, objects, renderAll, tracelab, UNSUPPORTED_PLATFORM } from './support/rendered';
import { loadModels, typeName, unknownFields } from './support/strict-fields';
import { schemaValidate } from './support/validate';

/**
 * Every Skaffold configuration rendered by the real `kubectl kustomize` (one render per kustomize path,
 * after the profile's patches), then checked object by object as a cluster would receive it.
 */
describe('every skaffold dev configuration renders and holds up', { skip: UNSUPPORTED_PLATFORM }, () => {
  let renders: (label: string) => ConfigRender;
  before(async () => {
    await loadModels();
    renders = await renderAll();
  });

  for (const label of LABELS) {
    describe(`skaffold dev${label === 'default' ? '' : ` -p ${label}`}`, () => {
      const render = () => renders(label);
      const manifests = () => objects(tracelab(render()));
      const named = (kind: string, name: string) => manifests().find((m) => m.kind === kind && m.metadata.name === name);

      test('kubectl kustomize renders each of its paths; every object once, namespaced into tracelab', (t) => {
        for (const k of render().kustomize) t.diagnostic(`${k.path}: ${k.objects.length} objects`);
        const ids = manifests().map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
        assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'objects rendered twice would overwrite each other');
        for (const app of APPS) for (const kind of ['Deployment', 'Service', 'ServiceAccount']) assert.ok(named(kind, app), `${kind}/${app} missing`);
        for (const [kind, name] of [['Namespace', 'tracelab'], ['StatefulSet', 'postgres'], ['Service', 'postgres'], ['Secret', 'postgres-credentials'], ['ConfigMap', 'otel-config'], ['ConfigMap', 'faults-config']]) {
          assert.ok(named(kind, name), `${kind}/${name} missing`);
        }
        for (const m of manifests()) if (m.kind !== 'Namespace') assert.equal(m.metadata.namespace, 'tracelab', `${m.kind}/${m.metadata.name}`);
      });

      test('every object validates against the API schema and has no unknown field', async () => {
        for (const { object, source } of tracelab(render())) {
          await assert.doesNotReject(schemaValidate(object), `${object.kind}/${object.metadata.name} (${source})`);
          assert.deepEqual(unknownFields(object, typeName(object.apiVersion, object.kind)), [], `${object.kind}/${object.metadata.name} (${source})`);
        }
      });

      test('Services select exactly one workload on ports it has; workloads own their pods; probes hit container ports', () => {
        const ports = (c: Container[], port: number | string) => c.flatMap((x) => x.ports ?? []).find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
        for (const svc of manifests().filter((m) => m.kind === 'Service')) {
          const spec = svc.spec as { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number | string }> };
          const matching = workloads(manifests()).filter((w) => Object.entries(spec.selector).every(([k, v]) => podLabelsOf(w)[k] === v));
          assert.equal(matching.length, 1, `Service/${svc.metadata.name} selects ${matching.length} workloads`);
          for (const p of spec.ports) assert.ok(ports(podSpecOf(matching[0])!.containers, p.targetPort), `Service/${svc.metadata.name} targetPort ${p.targetPort}`);
        }
        for (const w of workloads(manifests())) {
          const own = (w.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
          assert.ok(Object.entries(own).every(([k, v]) => podLabelsOf(w)[k] === v), `${w.kind}/${w.metadata.name}: selector does not match its pod template`);
          for (const c of podSpecOf(w)!.containers) {
            if (w.metadata.name === 'loadgen') continue; // a client with no port: nothing to probe
            for (const probe of [c.readinessProbe, c.livenessProbe]) {
              assert.ok(probe, `${w.metadata.name}/${c.name} lacks a probe`);
              if (probe.httpGet) assert.ok(ports([c], probe.httpGet.port), `${w.metadata.name} probe port ${probe.httpGet.port}`);
            }
            if ((APPS as readonly string[]).includes(w.metadata.name)) {
              assert.equal(c.readinessProbe?.httpGet?.path, '/health/ready');
              assert.equal(c.livenessProbe?.httpGet?.path, '/health/live');
            }
          }
        }
      });

      test('every ConfigMap, Secret, key and volume referenced exists', () => {
        const exists = (kind: string, name: string, key?: string) => {
          const m = named(kind, name);
          assert.ok(m, `${kind}/${name} is referenced but not rendered`);
          if (key) assert.ok(key in { ...(m.data as object), ...(m.stringData as object) }, `${kind}/${name} has no key ${key}`);
        };
        for (const w of workloads(manifests())) {
          const spec = podSpecOf(w)!;
          for (const v of spec.volumes ?? []) {
            if (v.configMap) exists('ConfigMap', v.configMap.name);
            if (v.secret) exists('Secret', v.secret.secretName);
          }
          const volumes = [...(spec.volumes ?? []).map((v) => v.name), ...((w.spec as { volumeClaimTemplates?: Array<{ metadata: { name: string } }> }).volumeClaimTemplates ?? []).map((t) => t.metadata.name)];
          for (const c of spec.containers) {
            for (const from of c.envFrom ?? []) {
              if (from.configMapRef) exists('ConfigMap', from.configMapRef.name);
              if (from.secretRef) exists('Secret', from.secretRef.name);
            }
            for (const e of c.env ?? []) {
              if (e.valueFrom?.secretKeyRef) exists('Secret', e.valueFrom.secretKeyRef.name!, e.valueFrom.secretKeyRef.key);
              if (e.valueFrom?.configMapKeyRef) exists('ConfigMap', e.valueFrom.configMapKeyRef.name!, e.valueFrom.configMapKeyRef.key);
            }
            for (const mount of c.volumeMounts ?? []) assert.ok(volumes.includes(mount.name), `${w.metadata.name}: volume ${mount.name} not defined`);
          }
        }
      });

      test('each service gets its OTEL_SERVICE_NAME, the shared OTel config, and pod/namespace/node through the Downward API', () => {
        for (const app of APPS) {
          const c = podSpecOf(named('Deployment', app)!)!.containers[0];
          const env = new Map((c.env ?? []).map((e, i) => [e.name, { ...e, index: i }]));
          assert.equal(env.get('OTEL_SERVICE_NAME')?.value, app);
          assert.ok(c.envFrom?.some((f) => f.configMapRef?.name === 'otel-config'));
          assert.ok(c.envFrom?.some((f) => f.configMapRef?.name === 'faults-config'));
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

      test('the images are exactly the build artifacts of this configuration, each built from the repository root', () => {
        const { artifacts } = render().config.build;
        const bare = new Set(workloads(manifests()).flatMap((w) => podSpecOf(w)!.containers.map((c) => c.image)).filter((i) => !i.includes(':')));
        assert.deepEqual(bare, new Set(artifacts.map((a) => a.image)));
        for (const a of artifacts) {
          // Skaffold prints the context absolute.
          assert.equal(resolve(ROOT, a.context), ROOT, a.image);
          assert.ok(a.docker && existsSync(join(ROOT, a.docker.dockerfile)), `${a.image}: Dockerfile ${a.docker?.dockerfile} missing`);
        }
      });

      test('restricted Pod Security, read-only root with a writable /tmp, requests and limits, graceful termination', () => {
        assert.equal(named('Namespace', 'tracelab')!.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
        for (const w of workloads(manifests())) {
          const spec = podSpecOf(w)!;
          assert.deepEqual(restrictedViolations(spec), [], `${w.kind}/${w.metadata.name}`);
          assert.equal(spec.automountServiceAccountToken, false, `${w.metadata.name}: automountServiceAccountToken`);
          assert.ok((spec.terminationGracePeriodSeconds ?? 30) > 2, 'longer than the 2 s span flush');
          for (const c of spec.containers) {
            assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
            assert.ok(c.volumeMounts?.some((v) => v.mountPath === '/tmp'), `${c.name}: a writable /tmp`);
            for (const r of ['cpu', 'memory']) {
              assert.ok(c.resources?.requests?.[r], `${c.name}: requests.${r}`);
              assert.ok(c.resources?.limits?.[r], `${c.name}: limits.${r}`);
            }
          }
        }
      });
    });
  }
});
