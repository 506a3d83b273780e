// `npm run cluster -- smoke`: the cluster does what TraceLab needs. A Deployment of 2 replicas
// pulled from the local registry runs under the restricted profile, its Service answers from both
// pods, a pod resolves Service names through CoreDNS, a claim binds on the default StorageClass
// and is written, `kubectl port-forward` reaches the Service, and deleting it all frees the volume.
// Traffic goes only to loopback and to this cluster's pod and Service addresses.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CLUSTER } from './config.mjs';
import { buildTool } from './lib/gobuild.mjs';
import { kubectl, setKubectl } from './lib/kube.mjs';
import { Fault, waitFor } from './lib/proc.mjs';
import { buildImage } from './steps/images.mjs';
import { bin, smokeWeb } from './tools/index.mjs';
import { kubeCli } from './tools/kube-cli.mjs';

const NS = 'tracelab-smoke';
const MANIFEST = new URL('./manifests/smoke.yaml', import.meta.url).pathname;
const FORWARD_PORT = 18080;
const get = (jsonpath, ...what) => kubectl(['-n', NS, 'get', ...what, '-o', `jsonpath=${jsonpath}`], { allowFail: true }).stdout.trim();

async function text(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await r.text()).trim();
  if (!r.ok) throw new Fault(`${url}: ${r.status} ${body}`);
  return body;
}

function check(line) {
  console.log(`✓ ${line}`);
}

export async function smoke() {
  const began = Date.now();
  setKubectl((await kubeCli()).kubectl);
  if (kubectl(['get', '--raw', '/readyz'], { allowFail: true }).status !== 0) throw new Fault('smoke: the cluster does not answer; run `npm run cluster -- up` first');
  await buildTool(smokeWeb);
  const image = `${CLUSTER.registry}/tracelab/smoke-web:${smokeWeb.version}`;
  await buildImage({ image, binary: () => bin(smokeWeb), entry: '/smoke-web' });
  kubectl(['apply', '-f', '-'], { input: readFileSync(MANIFEST, 'utf8').replaceAll('${IMAGE}', image) });
  let pv;
  let hostDir;
  try {
    await waitFor('claim smoke-data Bound', () => get('{.status.phase}', 'pvc', 'smoke-data') === 'Bound', { timeoutMs: 60_000, log: `kubectl -n ${NS} describe pvc smoke-data` });
    pv = get('{.spec.volumeName}', 'pvc', 'smoke-data');
    hostDir = kubectl(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']).stdout;
    const storageClass = get('{.spec.storageClassName}', 'pvc', 'smoke-data');
    check(`claim bound on the default StorageClass ${storageClass} (volume ${pv})`);

    await waitFor('2 replicas available', () => get('{.status.availableReplicas}', 'deployment', 'smoke-web') === '2', { timeoutMs: 180_000, intervalMs: 1000, log: `kubectl -n ${NS} describe pods` });
    const pods = get('{range .items[*]}{.metadata.name}={.status.podIP}{"\\n"}{end}', 'pods', '-l', 'app=smoke-web').split('\n').map((l) => l.split('='));
    check(`2 replicas of ${image} Running under the restricted profile: ${pods.map(([n]) => n).join(', ')}`);

    const [, ipA] = pods[0];
    const clusterIp = get('{.spec.clusterIP}', 'service', 'smoke-web');
    const fqdn = `smoke-web.${NS}.svc.${CLUSTER.domain}`;
    // CoreDNS caches answers for 30 s (as kubeadm and Minikube set it): a Service re-made under the
    // same name within that time still resolves to its old address for a while.
    let resolved = '';
    await waitFor(`${fqdn} resolving to ${clusterIp} in a pod`, async () => (resolved = await text(`http://${ipA}:8080/lookup?name=${fqdn}`)).split(' ').includes(clusterIp), { timeoutMs: 45_000, intervalMs: 1000 }).catch(() => {
      throw new Fault(`smoke: ${fqdn} resolved to ${resolved || 'nothing'} in a pod, not the Service's ${clusterIp}, for 45 s`);
    });
    const apiResolved = await text(`http://${ipA}:8080/lookup?name=kubernetes.default`);
    check(`a pod resolves ${fqdn} → ${clusterIp} and kubernetes.default → ${apiResolved} through CoreDNS`);

    // kube-proxy writes a new endpoint into iptables up to a second after the pod is Ready.
    await waitFor('2 ready endpoints', () => get('{.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}', 'endpointslices', '-l', 'kubernetes.io/service-name=smoke-web').split(' ').filter(Boolean).length === 2, { timeoutMs: 30_000 });
    const seen = new Set();
    for (let i = 0; i < 100 && seen.size < 2; i++) {
      seen.add(await text(`http://${ipA}:8080/fetch?url=http://smoke-web/`));
      await new Promise((r) => setTimeout(r, 100));
    }
    if (seen.size < 2) throw new Fault(`smoke: the Service answered only from ${[...seen].join(', ')} in 100 requests over 10 s`);
    check(`Service smoke-web (${clusterIp}) answers a pod by its short name, from both pods: ${[...seen].join(', ')}`);

    for (const [name, ip] of pods) {
      const file = await text(`http://${ip}:8080/write`);
      if (!existsSync(`${hostDir}/${name}`)) throw new Fault(`smoke: ${name} wrote ${file}, but ${hostDir}/${name} is not on the node`);
    }
    check(`both pods wrote into the volume, seen on the node in ${hostDir}`);

    const answer = await portForward();
    check(`kubectl port-forward svc/smoke-web ${FORWARD_PORT}:80 answers on 127.0.0.1:${FORWARD_PORT} (${answer})`);
  } finally {
    kubectl(['delete', 'namespace', NS, '--wait=true', '--timeout=120s'], { allowFail: true, timeoutMs: 150_000 });
  }
  await waitFor('the smoke volume deleted', () => !kubectl(['get', 'pv', pv, '--ignore-not-found', '-o', 'name']).stdout.trim() && !existsSync(hostDir), { timeoutMs: 60_000 });
  check(`namespace ${NS} deleted; the provisioner deleted volume ${pv} and its folder`);
  console.log(`smoke passed in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

/** Runs kubectl port-forward until one request through it answers; always stops it. */
async function portForward() {
  const child = spawn(kubectl.path(), ['--kubeconfig', kubectl.kubeconfig, '-n', NS, 'port-forward', 'svc/smoke-web', `${FORWARD_PORT}:80`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    await waitFor('port-forward listening', () => out.includes('Forwarding from'), { timeoutMs: 20_000 });
    return await text(`http://127.0.0.1:${FORWARD_PORT}/`);
  } catch (error) {
    throw new Fault(`smoke: port-forward: ${error.message}; kubectl said: ${out.trim().slice(0, 300)}`);
  } finally {
    child.kill('SIGTERM');
  }
}
