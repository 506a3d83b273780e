// etcd 3.6 built from its module, on loopback only (plain HTTP: nothing but the apiserver on
// this machine talks to it, as in hack/local-up-cluster.sh). Its data survives `down`.
import { mkdirSync } from 'node:fs';
import { DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { bin, etcd as etcdTool } from '../tools/index.mjs';

export const ETCD_URL = `http://127.0.0.1:${PORTS.etcdClient}`;
const peer = `http://127.0.0.1:${PORTS.etcdPeer}`;

export const etcd = daemonStep({
  name: 'etcd',
  ports: [PORTS.etcdClient, PORTS.etcdPeer, PORTS.etcdMetrics],
  bin: () => bin(etcdTool),
  args: () => [
    '--name', 'tracelab',
    '--data-dir', DIRS.etcd,
    '--listen-client-urls', ETCD_URL,
    '--advertise-client-urls', ETCD_URL,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `tracelab=${peer}`,
    '--listen-metrics-urls', `http://127.0.0.1:${PORTS.etcdMetrics}`,
    '--log-level', 'warn',
  ],
  before: () => mkdirSync(DIRS.etcd, { recursive: true, mode: 0o700 }),
  ready: async () => (await fetch(`${ETCD_URL}/health`)).ok,
  where: () => ETCD_URL,
});
