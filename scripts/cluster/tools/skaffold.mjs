// Skaffold from its Go module, with the replace lines of its own go.mod (pins its dependencies
// need, e.g. docker v27) and the version stamping and build tags of its Makefile.
import { moduleReplaces } from '../lib/gobuild.mjs';
import { VERSIONS } from '../config.mjs';

const v = VERSIONS.skaffold;
const pkg = 'github.com/GoogleContainerTools/skaffold/v2';
const versionPkg = `${pkg}/pkg/skaffold/version`;

export const skaffold = {
  name: 'skaffold',
  version: v,
  outputs: ['skaffold'],
  packages: [`${pkg}/cmd/skaffold`],
  require: [`${pkg} v${v}`],
  replace: (dir) => moduleReplaces(pkg, `v${v}`, dir),
  tags: ['timetzdata', 'osusergo', 'netgo', 'static_build', 'release'],
  // Commit and date of the v2.16.1 tag, from the module proxy's .info.
  ldflags: [`-X ${versionPkg}.version=v${v}`, `-X ${versionPkg}.gitCommit=95fb592deb61a4e290edca4925bd7c9c2fa93f6c`, `-X ${versionPkg}.buildDate=2025-06-18T03:34:25Z`],
};
