// Where the Jaeger binary and a Jaeger UI come from: JAEGER_BIN, then `jaeger` on PATH, then the
// binary `npm run jaeger:build` left in the user's cache (~/.cache/tracelab/jaeger/<version>/). A
// release binary (JAEGER_BIN) has the UI built in; ours serves a placeholder, so it gets the UI from
// ../shared/reference/jaeger-ui.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { readNote } from './go-tool.mjs';
import { candidates, jaegerPaths, uiRoot } from './versions.mjs';

export const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `name` in one of PATH's folders, or undefined. */
export function onPath(name, env = process.env) {
  return (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name)).find(executable);
}

/**
 * @returns {{ bin: string, source: 'JAEGER_BIN' | 'PATH' | 'cache', version?: string, ui?: string } | { missing: string }}
 */
export function findJaeger(env = process.env) {
  if (env.JAEGER_BIN) {
    return executable(env.JAEGER_BIN) ? { bin: env.JAEGER_BIN, source: 'JAEGER_BIN' } : { missing: `JAEGER_BIN=${env.JAEGER_BIN} is not an executable file` };
  }
  const path = onPath('jaeger', env);
  if (path) return { bin: path, source: 'PATH' };
  for (const candidate of candidates) {
    const { bin, note } = jaegerPaths(candidate, env);
    if (executable(bin)) return { bin, source: 'cache', version: candidate.jaeger, ui: readNote(note)?.ui ?? candidate.ui };
  }
  return { missing: `no Jaeger binary: JAEGER_BIN is unset, no \`jaeger\` on PATH, and \`npm run jaeger:build\` has not built one into ${jaegerPaths(candidates[0], env).dir}` };
}

/**
 * The UI release build for `version` (e.g. 'v1.75.0'), else the one of a candidate; undefined without
 * ../shared. Pair them: a UI newer than its Jaeger calls APIs it lacks (v2.19.0's search asks
 * /api/v3/trace-summaries, which Jaeger 2.12 does not serve).
 */
export function uiAssets(version) {
  const preferred = [version, ...candidates.map((c) => c.ui)].filter(Boolean);
  return preferred.map((v) => join(uiRoot, v)).find((dir) => existsSync(join(dir, 'index.html')));
}
