// Helm 3 from its Go module, into the user's cache (~/.cache/tracelab/helm/<version>/helm), for
// Skaffold: Skaffold 2.16.1 asks `helm version --client` and passes `--post-renderer <its own
// binary>`, and Helm 4 has neither (no --client flag; post-renderers are plugins). The npm package
// that gives kubectl (tests/deploy/src/tools.ts) carries Helm 4, which stays for linting and templates.
//   node scripts/helm/build.mjs      prints the binary's path; builds it once (minutes), then reuses it
import { fileURLToPath } from 'node:url';
import { buildGoTool, toolPaths } from '../jaeger/go-tool.mjs';

/** Helm 3.20 is built against Kubernetes 1.35's libraries (client-go v0.35.1), the cluster's version. */
export const HELM3 = { version: 'v3.20.2', k8sMajor: 1, k8sMinor: 35 };

export const helm3Paths = (env = process.env) => toolPaths('helm', HELM3.version, env);

/** Resolves { bin, seconds, cached } or rejects with a one-line reason (no Go, build error). */
export function buildHelm3({ log = (line) => console.error(line), force = false } = {}) {
  const pkg = 'helm.sh/helm/v3';
  // What helm's Makefile stamps: without it `helm version` says v3.x and lint assumes another Kubernetes.
  const ldflags = [
    `-X ${pkg}/internal/version.version=${HELM3.version}`,
    `-X ${pkg}/internal/version.gitTreeState=clean`,
    ...['pkg/lint/rules', 'pkg/chartutil'].flatMap((p) => [`-X ${pkg}/${p}.k8sVersionMajor=${HELM3.k8sMajor}`, `-X ${pkg}/${p}.k8sVersionMinor=${HELM3.k8sMinor}`]),
  ].join(' ');
  return buildGoTool({ tool: 'helm', version: HELM3.version, module: pkg, moduleVersion: HELM3.version, pkg: `${pkg}/cmd/helm`, ldflags, force, log });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildHelm3({ force: process.argv.includes('--force') });
    console.error(`helm ${HELM3.version} ${built.cached ? 'already built' : `built in ${built.seconds.toFixed(0)} s`}`);
    console.log(built.bin);
  } catch (error) {
    console.error(`helm: ${error.message}`);
    process.exit(1);
  }
}
