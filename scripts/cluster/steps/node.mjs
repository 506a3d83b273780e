// The node is Ready and schedulable (no taints), so pods, including restricted ones, can run.
import { CLUSTER } from '../config.mjs';
import { kubectl } from '../lib/kube.mjs';
import { waitFor } from '../lib/proc.mjs';

const nodeReady = () =>
  kubectl(['get', 'node', CLUSTER.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], { allowFail: true }).stdout === 'True';
// The node controller lifts the not-ready taint a moment after Ready; pods without a toleration wait for that.
const untainted = () => !kubectl(['get', 'node', CLUSTER.nodeName, '-o', 'jsonpath={.spec.taints[*].key}']).stdout.includes('node.kubernetes.io/not-ready');

export const node = {
  name: 'node',
  async up() {
    await waitFor(`node ${CLUSTER.nodeName} Ready`, () => nodeReady() && untainted(), { timeoutMs: 120_000, intervalMs: 1000, log: `kubectl describe node ${CLUSTER.nodeName} and the kubelet log` });
    const taints = kubectl(['get', 'node', CLUSTER.nodeName, '-o', 'jsonpath={.spec.taints[*].key}']).stdout.trim();
    return `node ${CLUSTER.nodeName} Ready, ${taints ? `tainted ${taints}` : 'no taints (schedulable)'}`;
  },
  down: () => undefined,
  status: () => `node ${CLUSTER.nodeName}: ${nodeReady() ? 'Ready' : 'not Ready'}`,
};
