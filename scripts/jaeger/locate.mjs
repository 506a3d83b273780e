// Where the Jaeger binary and a Jaeger UI come from: JAEGER_BIN, then `jaeger` on PATH, then the
// binary `npm run jaeger:build` left in .tracelab/jaeger. A release binary (JAEGER_BIN) has the UI
// built in; ours serves a placeholder, so it gets the UI from ../shared/reference/jaeger-ui.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { builtNote, cachedBin, candidates, uiRoot } from './versions.mjs';

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * @returns {{ bin: string, source: 'JAEGER_BIN' | 'PATH' | 'cache', version?: string, ui?: string } | { missing: string }}
 */
export function findJaeger(env = process.env) {
  if (env.JAEGER_BIN) {
    return executable(env.JAEGER_BIN) ? { bin: env.JAEGER_BIN, source: 'JAEGER_BIN' } : { missing: `JAEGER_BIN=${env.JAEGER_BIN} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (executable(join(dir, 'jaeger'))) return { bin: join(dir, 'jaeger'), source: 'PATH' };
  }
  if (executable(cachedBin)) {
    const note = readNote();
    return { bin: cachedBin, source: 'cache', version: note?.jaeger, ui: note?.ui };
  }
  return { missing: 'no Jaeger binary: JAEGER_BIN is unset, no `jaeger` on PATH, and `npm run jaeger:build` has not built one' };
}

/**
 * The UI release build for `version` (e.g. 'v1.76.0'), else the newest one present; undefined without
 * ../shared. Pair them: the v2.19.0 UI searches through /api/v3/trace-summaries, which Jaeger 2.13 lacks.
 */
export function uiAssets(version) {
  const preferred = [version, ...candidates.map((c) => c.ui)].filter(Boolean);
  return preferred.map((v) => join(uiRoot, v)).find((dir) => existsSync(join(dir, 'index.html')));
}

function readNote() {
  try {
    return JSON.parse(readFileSync(builtNote, 'utf8'));
  } catch {
    return undefined;
  }
}
