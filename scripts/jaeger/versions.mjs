// Which Jaeger we build, and where it lands. The v2.x tags of github.com/jaegertracing/jaeger are not
// valid Go module versions (the module path has no /v2); each v2 release also carries a v1.x module
// tag, and v1.75.0 is Jaeger v2.12.0, the approved version. Nothing newer is built: v1.76.0 (2.13.0)
// is served by the module proxy but not approved, and the chart's 2.19.0 exists only as a commit.
import { fileURLToPath } from 'node:url';
import { toolPaths } from './go-tool.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** What `npm run jaeger:build` builds. A list, so a future approved version is one more entry. */
export const candidates = [
  {
    jaeger: 'v2.12.0',
    module: 'v1.75.0',
    commit: '1c5531b15d6a90c91a5a6cec94171ccc18ebd3ca', // tag v1.75.0, "Prepare release v1.75.0 / v2.12.0"
    // The release commit and changelog of v2.12.0 name UI v1.75.0 (the tag's submodule still points
    // at v1.74.0); ../shared/reference/jaeger-ui/v1.75.0 is that build.
    ui: 'v1.75.0',
  },
];

/**
 * Where a candidate's binary and its note (which module, which UI) live: the user's cache,
 * ${XDG_CACHE_HOME:-~/.cache}/tracelab/jaeger/<version>/, shared by every clone on the machine.
 */
export const jaegerPaths = (candidate = candidates[0], env = process.env) => toolPaths('jaeger', candidate.jaeger, env);
/** Jaeger UI release builds, kept outside the repository (../shared/reference/README.md). */
export const uiRoot = `${root}../shared/reference/jaeger-ui`;
