// dockerd sets the FORWARD policy to DROP, which drops pod → pod and pod → Service traffic on the
// CNI bridge (cluster DNS then fails with EAI_AGAIN). Two rules accept forwarding on the bridge.
//
// kube-proxy (iptables mode) rewrites only the Service IPs in use; a packet to any other address of
// the Service range follows the host's default route off the machine. A client holding a stale DNS
// answer does exactly that: CoreDNS caches a Service's address for 30 s, so a Service deleted and
// made again (tests/cluster steps 6c → 6d) can be called at its old address, and what answered
// there beyond this machine (a 404 with no body) kept the gateway's keep-alive connection for good.
// Two more rules refuse such packets at the node (ICMP port unreachable: the client sees
// ECONNREFUSED at once), as kube-proxy's nftables mode does for unallocated Service IPs. They sit in
// the filter table, after the nat table has rewritten every address in use to a pod's.
// `down` deletes exactly these rules (the host step restores the policy and ip_forward).
import { CLUSTER } from '../config.mjs';
import { run } from '../lib/proc.mjs';

const bridge = ['-m', 'comment', '--comment', 'tracelab cluster: pods on the CNI bridge'];
const unallocated = ['-d', CLUSTER.serviceCidr, '-m', 'comment', '--comment', 'tracelab cluster: no unallocated Service IP leaves the node', '-j', 'REJECT'];
/** [chain, rule], inserted in this order at the top of the chain (so the last is first). */
const RULES = [
  ['FORWARD', ['-i', CLUSTER.bridge, ...bridge, '-j', 'ACCEPT']],
  ['FORWARD', ['-o', CLUSTER.bridge, ...bridge, '-j', 'ACCEPT']],
  ['FORWARD', unallocated],
  ['OUTPUT', unallocated],
];

const present = ([chain, rule]) => run('iptables', ['-C', chain, ...rule], { allowFail: true }).status === 0;

export const forward = {
  name: 'forwarding',
  up() {
    let added = 0;
    for (const r of RULES) {
      if (present(r)) continue;
      run('iptables', ['-I', r[0], ...r[1]]);
      added++;
    }
    run('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    return `forwarding on ${CLUSTER.bridge}, unallocated Service IPs refused: ${added ? `${added} rules added` : 'rules already there'}`;
  },
  down() {
    let removed = 0;
    for (const r of RULES) {
      while (present(r)) {
        run('iptables', ['-D', r[0], ...r[1]]);
        removed++;
      }
    }
    return removed ? `forwarding: ${removed} rules removed` : undefined;
  },
  status: () => `forwarding: ${RULES.every(present) ? 'accepted on' : 'not set for'} ${CLUSTER.bridge}, unallocated Service IPs ${RULES.every(present) ? 'refused' : 'not refused'}`,
};
