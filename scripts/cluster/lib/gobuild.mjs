// Builds Go programs from their modules in a scratch module, cached by name and version under
// CACHE/<name>-<version>/bin. Module versions never change, so a binary once built is reused by
// every clone. The bin folder is built under a temporary name and renamed into place whole.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from '../config.mjs';
import { Fault, pidAlive } from './proc.mjs';

// A bound, not an estimate: on 2 busy cores Kubernetes alone took over 40 min from cold.
const BUILD_TIMEOUT_MS = 150 * 60_000;
const GO_ENV = { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' };

export function goVersion() {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

export const binDir = (name, version) => join(CACHE, `${name}-${version}`, 'bin');

/** True when every binary of a tool is in the cache. */
export function isBuilt(spec) {
  const dir = binDir(spec.name, spec.version);
  return spec.outputs.every((o) => existsSync(join(dir, o)));
}

/** The `replace` directives of a module's own go.mod, as [from, to] pairs. */
export async function moduleReplaces(modPath, version, dir) {
  const info = JSON.parse(await go(['mod', 'download', '-json', `${modPath}@${version}`], dir));
  const text = readFileSync(info.GoMod, 'utf8');
  const lines = [];
  const block = /^replace\s*\(([\s\S]*?)^\)/m.exec(text);
  if (block) lines.push(...block[1].split('\n'));
  lines.push(...[...text.matchAll(/^replace\s+([^(\s].*)$/gm)].map((m) => m[1]));
  return lines
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter(Boolean)
    .map((l) => l.split(/\s*=>\s*/).map((s) => s.trim()));
}

/**
 * spec: { name, version, outputs: [binary names], packages: [import paths, same order as outputs],
 *   require: [`mod version`], replace: [[from, to]] | async (dir) => [[from, to]], ldflags, tags, rename?: { goName: name }, source? }
 * `source` is a folder with its own go.mod/go.sum (built read-only); otherwise a scratch module is made.
 * Returns { dir, seconds, cached }.
 */
export async function buildTool(spec, { force = false } = {}) {
  const dir = binDir(spec.name, spec.version);
  if (!force && isBuilt(spec)) return { dir, seconds: 0, cached: true };
  if (!goVersion()) throw new Fault(`building ${spec.name} needs Go (no \`go\` on PATH): install Go ≥ 1.26 from https://go.dev/dl and run again`);
  const began = Date.now();
  const work = join(CACHE, `${spec.name}-${spec.version}`, 'src');
  mkdirSync(work, { recursive: true });
  // Another process (a second clone, a parallel `up`) building the same version: wait for it.
  const lock = join(work, '..', 'build.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (!holder || !pidAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 2000));
      if (isBuilt(spec)) return { dir, seconds: (Date.now() - began) / 1000, cached: false };
    }
  }
  try {
    if (!force && isBuilt(spec)) return { dir, seconds: 0, cached: true };
    return await buildLocked(spec, dir, work, began);
  } finally {
    rmSync(lock, { force: true });
  }
}

async function buildLocked(spec, dir, work, began) {
  let env = GO_ENV;
  if (spec.source) {
    rmSync(work, { recursive: true, force: true });
    cpSync(spec.source, work, { recursive: true });
    env = { ...GO_ENV, GOFLAGS: '-mod=readonly' };
  } else {
    writeFileSync(join(work, 'go.mod'), 'module tracelab.local/build\n\ngo 1.26\n');
    const replace = typeof spec.replace === 'function' ? await spec.replace(work) : (spec.replace ?? []);
    writeFileSync(
      join(work, 'go.mod'),
      [
        `module tracelab.local/build/${spec.name}`,
        '',
        'go 1.26',
        '',
        `tool (\n${spec.packages.map((p) => `\t${p}`).join('\n')}\n)`,
        '',
        `require (\n${spec.require.map((r) => `\t${r}`).join('\n')}\n)`,
        '',
        replace.length ? `replace (\n${replace.map(([a, b]) => `\t${a} => ${b}`).join('\n')}\n)\n` : '',
      ].join('\n'),
    );
    await go(['mod', 'tidy'], work, env);
  }
  // Half-built folders of builds that were killed.
  for (const f of readdirSync(join(dir, '..'))) {
    const pid = /^bin\.tmp-(\d+)$/.exec(f)?.[1];
    if (pid && !pidAlive(Number(pid))) rmSync(join(dir, '..', f), { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const ldflags = ['-s', '-w', ...(spec.ldflags ?? [])].join(' ');
  const tags = spec.tags?.length ? [`-tags=${spec.tags.join(',')}`] : [];
  await go(['build', '-trimpath', ...tags, `-ldflags=${ldflags}`, '-o', `${tmp}/`, ...spec.packages], work, env);
  // Go names a binary after the last path element that is not a major version (server/v3 → server).
  for (const [from, to] of Object.entries(spec.rename ?? {})) renameSync(join(tmp, from), join(tmp, to));
  const built = readdirSync(tmp);
  for (const o of spec.outputs) if (!built.includes(o)) throw new Fault(`${spec.name}: go build made ${built.join(', ') || 'nothing'}, not ${o}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, seconds: (Date.now() - began) / 1000, cached: false };
}

function go(args, cwd, env = GO_ENV) {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', (e) => (clearTimeout(timer), reject(new Fault(`go ${args[0]}: ${e.message}`))));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(out);
      const last = `${out}${err}`.trim().split('\n').filter(Boolean).slice(-4).join(' | ').slice(0, 600);
      reject(new Fault(`go ${args.slice(0, 2).join(' ')} in ${cwd} ${signal ? `killed after ${BUILD_TIMEOUT_MS / 60_000} min` : `exited ${code}`}: ${last}`));
    });
  });
}
