// Certificates and kubeconfigs (see certs.mjs).
import { KUBECONFIG, DIRS } from '../config.mjs';
import { ensureCerts } from './certs.mjs';

export const certs = {
  name: 'certs',
  up: (ctx) => `${ensureCerts(ctx.nodeIp)} in ${DIRS.pki}; kubeconfig ${KUBECONFIG} (context tracelab)`,
  down: () => undefined,
  status: () => `kubeconfig: ${KUBECONFIG}`,
};
