// kube-scheduler: one instance, no leader election.
import { join } from 'node:path';
import { DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { httpsGet } from '../lib/kube.mjs';
import { bin, kubernetes } from '../tools/index.mjs';

const kubeconfig = join(DIRS.pki, 'scheduler.kubeconfig');

export const scheduler = daemonStep({
  name: 'kube-scheduler',
  ports: [PORTS.scheduler],
  bin: () => bin(kubernetes, 'kube-scheduler'),
  args: () => [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${PORTS.scheduler}`,
    '--leader-elect=false',
    '--v=1',
  ],
  ready: async () => (await httpsGet(PORTS.scheduler, '/healthz')).status === 200,
  where: () => `healthz https://127.0.0.1:${PORTS.scheduler}/healthz`,
});
