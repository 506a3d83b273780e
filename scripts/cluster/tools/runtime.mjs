// etcd, CoreDNS and crictl from their Go modules.
import { VERSIONS } from '../config.mjs';

const e = VERSIONS.etcd;
/** The server package is itself `main`. etcd's own replace lines point at sibling folders of its repository: not copied. */
export const etcd = {
  name: 'etcd',
  version: e,
  outputs: ['etcd'],
  packages: ['go.etcd.io/etcd/server/v3'],
  rename: { server: 'etcd' },
  require: ['server/v3', 'api/v3', 'client/pkg/v3', 'client/v3', 'pkg/v3'].map((m) => `go.etcd.io/etcd/${m} v${e}`),
};

export const coredns = {
  name: 'coredns',
  version: VERSIONS.coredns,
  outputs: ['coredns'],
  packages: ['github.com/coredns/coredns'],
  require: [`github.com/coredns/coredns v${VERSIONS.coredns}`],
};

/** `down` asks the runtime, through CRI, to stop and remove every pod, so CNI and mounts are undone by their owner. */
export const crictl = {
  name: 'crictl',
  version: VERSIONS.crictl,
  outputs: ['crictl'],
  packages: ['sigs.k8s.io/cri-tools/cmd/crictl'],
  require: [`sigs.k8s.io/cri-tools v${VERSIONS.crictl}`],
  ldflags: [`-X sigs.k8s.io/cri-tools/pkg/version.Version=v${VERSIONS.crictl}`],
};
