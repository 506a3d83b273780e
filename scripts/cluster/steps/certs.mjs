// Certificates and kubeconfigs, made by openssl once and kept (a second `up` reuses them).
// EC P-256 keys: fast to make, accepted by every component. The apiserver certificate names the
// node IP; if the node IP changes, it is made again.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER, DIRS, KUBECONFIG, PORTS } from '../config.mjs';
import { run } from '../lib/proc.mjs';

const pki = (f) => join(DIRS.pki, f);

/** Client and server identities: [file, subject, extensions]. */
function identities(nodeIp) {
  const dn = (cn, o) => `/CN=${cn}${o ? `/O=${o}` : ''}`;
  return [
    ['apiserver', dn('kube-apiserver'), serverExt([`DNS:kubernetes`, 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', `DNS:kubernetes.default.svc.${CLUSTER.domain}`, 'DNS:localhost', `IP:${CLUSTER.apiServiceIp}`, 'IP:127.0.0.1', `IP:${nodeIp}`])],
    ['apiserver-kubelet-client', dn('kube-apiserver-kubelet-client', 'system:masters'), clientExt],
    ['admin', dn('tracelab-admin', 'system:masters'), clientExt],
    ['controller-manager', dn('system:kube-controller-manager'), clientExt],
    ['scheduler', dn('system:kube-scheduler'), clientExt],
    ['kube-proxy', dn('system:kube-proxy'), clientExt],
    ['kubelet-client', dn(`system:node:${CLUSTER.nodeName}`, 'system:nodes'), clientExt],
    ['kubelet', dn(CLUSTER.nodeName), serverExt([`DNS:${CLUSTER.nodeName}`, 'DNS:localhost', 'IP:127.0.0.1', `IP:${nodeIp}`])],
    ['provisioner', dn('system:tracelab:storage-provisioner'), clientExt],
    ['front-proxy-client', dn('front-proxy-client'), clientExt, 'front-proxy-ca'],
  ];
}
const clientExt = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n';
const serverExt = (sans) => `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(',')}\n`;

const newKey = (file) => run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);

function issue(name, subject, ext, ca = 'ca') {
  newKey(pki(`${name}.key`));
  const csr = run('openssl', ['req', '-new', '-key', pki(`${name}.key`), '-subj', subject]).stdout;
  writeFileSync(pki(`${name}.ext`), ext);
  run('openssl', ['x509', '-req', '-CA', pki(`${ca}.crt`), '-CAkey', pki(`${ca}.key`), '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', pki(`${name}.ext`), '-out', pki(`${name}.crt`)], { input: csr });
  rmSync(pki(`${name}.ext`));
}

/** Makes what is missing; returns a word for the ✓ line. */
export function ensureCerts(nodeIp) {
  mkdirSync(DIRS.pki, { recursive: true, mode: 0o700 });
  let made = 0;
  // The front-proxy CA signs only the apiserver's identity towards aggregated API servers
  // (as kubeadm does); without it the extension-apiserver-authentication ConfigMap lacks the
  // requestheader CA and every controller logs that twice a minute.
  for (const ca of ['ca', 'front-proxy-ca']) {
    if (existsSync(pki(`${ca}.crt`))) continue;
    newKey(pki(`${ca}.key`));
    run('openssl', ['req', '-x509', '-new', '-key', pki(`${ca}.key`), '-subj', `/CN=tracelab-${ca}`, '-days', '3650', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature', '-out', pki(`${ca}.crt`)]);
    made++;
  }
  if (!existsSync(pki('sa.key'))) {
    newKey(pki('sa.key'));
    run('openssl', ['pkey', '-in', pki('sa.key'), '-pubout', '-out', pki('sa.pub')]);
    made++;
  }
  const stamp = pki('node-ip');
  const ipChanged = !existsSync(stamp) || readFileSync(stamp, 'utf8') !== nodeIp;
  for (const [name, subject, ext, ca] of identities(nodeIp)) {
    const mentionsIp = name === 'apiserver' || name === 'kubelet';
    if (existsSync(pki(`${name}.crt`)) && !(mentionsIp && ipChanged)) continue;
    issue(name, subject, ext, ca);
    made++;
  }
  writeFileSync(stamp, nodeIp);
  writeKubeconfigs();
  return made ? `${made} certificates made` : 'certificates reused';
}

const b64 = (f) => readFileSync(f).toString('base64');

function kubeconfig(user) {
  const server = `https://127.0.0.1:${PORTS.apiserver}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER.name, cluster: { server, 'certificate-authority-data': b64(pki('ca.crt')) } }],
    users: [{ name: `${CLUSTER.name}-${user}`, user: { 'client-certificate-data': b64(pki(`${user}.crt`)), 'client-key-data': b64(pki(`${user}.key`)) } }],
    contexts: [{ name: CLUSTER.context, context: { cluster: CLUSTER.name, user: `${CLUSTER.name}-${user}` } }],
    'current-context': CLUSTER.context,
  }, null, 2);
}

/** Per-component kubeconfigs in pki/, and the user's (admin, context `tracelab`) at KUBECONFIG. */
function writeKubeconfigs() {
  for (const user of ['controller-manager', 'scheduler', 'kube-proxy', 'kubelet-client', 'provisioner']) {
    writeFileSync(pki(`${user}.kubeconfig`), kubeconfig(user), { mode: 0o600 });
  }
  writeFileSync(KUBECONFIG, kubeconfig('admin'), { mode: 0o600 });
}
