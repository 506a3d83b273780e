// Builds one Go command from its module (the Go module proxy, no git, no GitHub) into the user's cache,
// ${XDG_CACHE_HOME:-~/.cache}/tracelab/<tool>/<version>/, so every clone on the machine shares it.
// A scratch module per version; GOFLAGS=-mod=mod and Go's own caches, so a rebuild takes seconds.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A cold build took 28 min on 2 cores shared with other builds (load ~30): an hour, so only a hang is stopped.
const BUILD_TIMEOUT_MS = 60 * 60_000;
// A copy of each note inside the checkout: turbo hashes only files in the repository, and the tests'
// results must not be replayed from a run that had no binary (tests/jaeger/turbo.json inputs).
const checkoutNotes = fileURLToPath(new URL('../../.tracelab/tools/', import.meta.url));

/** ~/.cache/tracelab (or $XDG_CACHE_HOME/tracelab): what the project builds for itself, outside any checkout. */
export const userCache = (env = process.env) => join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tracelab');

/** Where `tool` at `version` lands: the binary and a note saying what it was built from. */
export function toolPaths(tool, version, env = process.env) {
  const dir = join(userCache(env), tool, version);
  return { dir, bin: join(dir, tool), note: join(dir, 'built.json'), src: join(dir, 'src') };
}

export function readNote(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function goVersion() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  return go.error || go.status !== 0 ? undefined : go.stdout.trim();
}

/**
 * Builds `pkg` of `module`@`moduleVersion` as `tool` (its `version`, for the folder name and the note).
 * Reuses a binary built from the same module version and tags unless `force`: module versions never change.
 * Resolves { bin, seconds, cached, ...note }; rejects with a one-line reason.
 * @param {{ tool: string, name?: string, version: string, module: string, moduleVersion: string, pkg: string,
 *   ldflags?: string, tags?: string, extra?: object, force?: boolean, log?: (line: string) => void }} spec
 */
export async function buildGoTool(spec) {
  const log = spec.log ?? ((line) => console.log(line));
  const go = goVersion();
  if (!go) throw new Error(`Go is not installed (no \`go\` on PATH); install Go ≥ 1.26 to build ${spec.tool}`);
  const paths = toolPaths(spec.tool, spec.version);
  const previous = readNote(paths.note);
  // Same module version and build tags: the same binary (a tag change, e.g. Prometheus's SD, rebuilds).
  if (!spec.force && previous?.moduleVersion === spec.moduleVersion && (previous?.tags ?? '') === (spec.tags ?? '') && existsSync(paths.bin)) {
    writeCheckoutNote(spec.tool, previous);
    return { bin: paths.bin, ...previous, seconds: 0, cached: true };
  }
  log(`building ${spec.name ?? spec.tool} ${spec.version} (module ${spec.module}@${spec.moduleVersion}) with ${go} into ${paths.dir}…`);
  const began = Date.now();
  mkdirSync(paths.src, { recursive: true });
  writeFileSync(join(paths.src, 'go.mod'), `module tracelab.local/${spec.tool}-build\n\ngo 1.26\n`);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off', CGO_ENABLED: '0' };
  await run(['get', '-tool', `${spec.pkg}@${spec.moduleVersion}`], paths.src, env);
  const out = join(paths.src, spec.tool);
  const flags = ['build', '-trimpath', ...(spec.tags ? [`-tags=${spec.tags}`] : []), `-ldflags=-s -w ${spec.ldflags ?? ''}`.trim(), '-o', out, spec.pkg];
  await run(flags, paths.src, env);
  // Copied then renamed, so a running binary keeps its file and a reader never sees half of one.
  copyFileSync(out, `${paths.bin}.new`);
  renameSync(`${paths.bin}.new`, paths.bin);
  const seconds = (Date.now() - began) / 1000;
  const note = { tool: spec.tool, version: spec.version, module: spec.module, moduleVersion: spec.moduleVersion, ...(spec.tags ? { tags: spec.tags } : {}), go, seconds, builtAt: new Date().toISOString(), ...spec.extra };
  writeFileSync(paths.note, `${JSON.stringify(note, null, 2)}\n`);
  writeCheckoutNote(spec.tool, note);
  return { bin: paths.bin, ...note, cached: false };
}

function writeCheckoutNote(tool, note) {
  mkdirSync(checkoutNotes, { recursive: true });
  writeFileSync(join(checkoutNotes, `${tool}.json`), `${JSON.stringify(note, null, 2)}\n`);
}

function run(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(output);
      const last = output.trim().split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 400);
      reject(new Error(`go ${args[0]} ${signal ? `killed after ${BUILD_TIMEOUT_MS / 60_000} min` : `exited ${code}`}: ${last}`));
    });
  });
}
