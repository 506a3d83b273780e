// kube-apiserver, kubelet, kube-controller-manager, kube-scheduler and kube-proxy from the
// k8s.io/kubernetes module. Its go.mod points its 31 staging modules (k8s.io/api, …) at folders
// of its own repository; outside it each must be replaced by the published v0.<minor>.<patch>.
import { moduleReplaces } from '../lib/gobuild.mjs';
import { VERSIONS } from '../config.mjs';

const v = VERSIONS.kubernetes;
const [major, minor] = v.split('.');
const staging = `v0.${v.split('.').slice(1).join('.')}`;
export const KUBE_COMPONENTS = ['kube-apiserver', 'kubelet', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'];

/** Without these, the server reports v0.0.0-master+$Format:%H$ and clients that parse it panic. */
function versionFlags(buildDate) {
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=v${v}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=${buildDate}`,
  ]);
}

export const kubernetes = {
  name: 'kubernetes',
  version: v,
  outputs: KUBE_COMPONENTS,
  packages: KUBE_COMPONENTS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
  require: [`k8s.io/kubernetes v${v}`],
  async replace(dir) {
    const pairs = await moduleReplaces('k8s.io/kubernetes', `v${v}`, dir);
    const local = pairs.filter(([from, to]) => from.startsWith('k8s.io/') && to.startsWith('./staging/'));
    if (local.length < 20) throw new Error(`k8s.io/kubernetes v${v}: expected its staging replaces, found ${local.length}`);
    return local.map(([from]) => [from, `${from} ${staging}`]);
  },
  // The module's publish time on the Go proxy (v1.35.4.info), so two builds are the same bytes.
  ldflags: versionFlags('2026-04-15T18:01:22Z'),
};
