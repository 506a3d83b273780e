// dockerd sets the FORWARD policy to DROP, which drops pod → pod and pod → Service traffic on the
// CNI bridge (cluster DNS then fails with EAI_AGAIN). Two rules accept forwarding on the bridge;
// `down` deletes exactly these two (the host step restores the policy and ip_forward).
import { CLUSTER } from '../config.mjs';
import { run } from '../lib/proc.mjs';

const COMMENT = ['-m', 'comment', '--comment', 'tracelab cluster: pods on the CNI bridge'];
const RULES = [['-i', CLUSTER.bridge, ...COMMENT, '-j', 'ACCEPT'], ['-o', CLUSTER.bridge, ...COMMENT, '-j', 'ACCEPT']];

const present = (rule) => run('iptables', ['-C', 'FORWARD', ...rule], { allowFail: true }).status === 0;

export const forward = {
  name: 'forwarding',
  up() {
    let added = 0;
    for (const rule of RULES) {
      if (present(rule)) continue;
      run('iptables', ['-I', 'FORWARD', ...rule]);
      added++;
    }
    run('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    return `forwarding on ${CLUSTER.bridge}: ${added ? `${added} FORWARD rules added` : 'FORWARD rules already there'}`;
  },
  down() {
    let removed = 0;
    for (const rule of RULES) {
      while (present(rule)) {
        run('iptables', ['-D', 'FORWARD', ...rule]);
        removed++;
      }
    }
    return removed ? `forwarding: ${removed} FORWARD rules removed` : undefined;
  },
  status: () => `forwarding: ${RULES.every(present) ? 'accepted on' : 'not set for'} ${CLUSTER.bridge}`,
};
