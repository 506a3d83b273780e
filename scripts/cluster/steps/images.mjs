// Images the cluster itself runs, FROM scratch with one static binary each, built by the
// cluster's dockerd and pushed to the local registry (registry.k8s.io cannot be reached here):
// the pod sandbox (pause) and CoreDNS.
import { mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER, PORTS, VERSIONS } from '../config.mjs';
import { bin, coredns, pause } from '../tools/index.mjs';
import { PAUSE_IMAGE } from './containerd.mjs';
import { docker } from './docker.mjs';

export const COREDNS_IMAGE = `${CLUSTER.registry}/tracelab/coredns:${VERSIONS.coredns}`;

const IMAGES = [
  { image: PAUSE_IMAGE, binary: () => bin(pause), entry: '/pause' },
  { image: COREDNS_IMAGE, binary: () => bin(coredns), entry: '/coredns' },
];

async function inRegistry(image) {
  const [, repo, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(image);
  const r = await fetch(`http://127.0.0.1:${PORTS.registry}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
  });
  return r.ok;
}

/** A FROM-scratch image of one static binary, built by the cluster's dockerd and pushed to the local registry. */
export function buildImage({ image, binary, entry }) {
  const ctx = mkdtempSync(join(tmpdir(), 'tracelab-image-'));
  try {
    copyFileSync(binary(), join(ctx, entry.slice(1)));
    // 65535: the conventional non-root "nobody" of pause and CoreDNS images, so pods pass the restricted profile.
    writeFileSync(join(ctx, 'Dockerfile'), `FROM scratch\nCOPY ${entry.slice(1)} ${entry}\nUSER 65535:65535\nENTRYPOINT ["${entry}"]\n`);
    docker(['build', '-q', '-t', image, ctx]);
    docker(['push', '-q', image]);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

export const images = {
  name: 'images',
  async up() {
    const made = [];
    for (const spec of IMAGES) {
      if (await inRegistry(spec.image)) continue;
      buildImage(spec);
      made.push(spec.image);
    }
    return `images in the local registry: ${IMAGES.map((i) => i.image).join(', ')}${made.length ? ` (${made.length} built and pushed)` : ' (already there)'}`;
  },
  down: () => undefined,
  status: async () => `images: ${(await Promise.all(IMAGES.map(async (i) => `${i.image} ${(await inRegistry(i.image).catch(() => false)) ? 'present' : 'missing'}`))).join(', ')}`,
};
