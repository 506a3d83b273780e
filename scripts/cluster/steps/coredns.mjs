// CoreDNS at the cluster DNS address, so pods resolve Service names.
import { readFileSync } from 'node:fs';
import { CLUSTER } from '../config.mjs';
import { kubectl } from '../lib/kube.mjs';
import { waitFor } from '../lib/proc.mjs';
import { COREDNS_IMAGE } from './images.mjs';

const TEMPLATE = new URL('../manifests/coredns.yaml', import.meta.url).pathname;
const manifest = () =>
  readFileSync(TEMPLATE, 'utf8').replaceAll('${DOMAIN}', CLUSTER.domain).replaceAll('${IMAGE}', COREDNS_IMAGE).replaceAll('${DNS_IP}', CLUSTER.dnsServiceIp);

const available = () => {
  const r = kubectl(['-n', 'kube-system', 'get', 'deployment', 'coredns', '-o', 'jsonpath={.status.availableReplicas}'], { allowFail: true });
  return Number(r.stdout) >= 1;
};

export const dns = {
  name: 'coredns',
  async up() {
    const applied = kubectl(['apply', '-f', '-'], { input: manifest() }).stdout;
    await waitFor('CoreDNS available', available, { timeoutMs: 180_000, intervalMs: 1000, log: 'kubectl -n kube-system describe pod -l k8s-app=kube-dns' });
    const changed = applied.split('\n').filter((l) => !/unchanged$/.test(l) && l.trim()).length;
    return `CoreDNS ${changed ? 'deployed' : 'already deployed'}: Service kube-dns at ${CLUSTER.dnsServiceIp}:53, image ${COREDNS_IMAGE}`;
  },
  down: () => undefined,
  status: () => `coredns: ${available() ? 'available' : 'not available'}`,
};
