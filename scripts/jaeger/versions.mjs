// Which Jaeger we build, and where it lands. The v2.x tags of github.com/jaegertracing/jaeger are not
// valid Go module versions (the module path has no /v2), so Jaeger 2.19.0 is reached through the tag's
// commit, which Go turns into a pseudo-version. v1.76.0 is a real module tag (Jaeger v2.13.0).
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Tried in order by `npm run jaeger:build`; the first that builds wins. */
export const candidates = [
  {
    jaeger: 'v2.19.0', // what chart 4.11.1 deploys (helm-values/jaeger.yaml)
    // Pseudo-version of commit 48f1e46121d1 (tag v2.19.0, 2026-06-03 13:17:07 UTC). The module proxy
    // reachable here answers 403 "This module version is not available" for it (and for the bare
    // commit hash): it serves tagged versions only. Kept first for machines whose proxy serves it.
    module: 'v1.76.1-0.20260603131707-48f1e46121d1',
    commit: '48f1e46121d1c428a6c989d08e7d69df4bccae82',
    ui: 'v2.19.0',
  },
  {
    jaeger: 'v2.13.0',
    module: 'v1.76.0',
    commit: '9dbd2c943f6513c219d96460921149f0d7acb787',
    ui: 'v1.76.0',
  },
];

export const cacheDir = `${root}.tracelab/jaeger`;
/** The binary `npm run jaeger:build` leaves, and a note saying which candidate it is. */
export const cachedBin = `${cacheDir}/bin/jaeger`;
export const builtNote = `${cacheDir}/bin/built.json`;
/** Jaeger UI release builds, kept outside the repository (../shared/reference/README.md). */
export const uiRoot = `${root}../shared/reference/jaeger-ui`;
