// The cluster as a list of named steps, in start order; `down` runs them in reverse.
import { apiserver } from './apiserver.mjs';
import { containerd } from './containerd.mjs';
import { controllerManager } from './controller-manager.mjs';
import { dns } from './coredns.mjs';
import { certs } from './certs-step.mjs';
import { dockerd } from './docker.mjs';
import { etcd } from './etcd.mjs';
import { forward } from './forward.mjs';
import { host } from './host.mjs';
import { images } from './images.mjs';
import { kubeProxy } from './kube-proxy.mjs';
import { kubelet } from './kubelet.mjs';
import { node } from './node.mjs';
import { packages } from './packages.mjs';
import { registry } from './registry.mjs';
import { scheduler } from './scheduler.mjs';
import { storage } from './storage.mjs';
import { skaffoldTool, tools } from './tools.mjs';

export const STEPS = [
  packages,
  tools,
  host,
  certs,
  containerd,
  registry,
  dockerd,
  forward,
  images,
  etcd,
  apiserver,
  controllerManager,
  scheduler,
  kubelet,
  kubeProxy,
  node,
  storage,
  dns,
  skaffoldTool,
];
