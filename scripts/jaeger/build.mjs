// `npm run jaeger:build`: the Jaeger v2 all-in-one binary from its Go module, in .tracelab/jaeger.
// A scratch module per candidate; GOFLAGS=-mod=mod and Go's own caches, so a second run takes seconds.
// One line on failure (no Go, build error) and a non-zero exit; never a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { builtNote, cacheDir, cachedBin, candidates } from './versions.mjs';

const BUILD_TIMEOUT_MS = 30 * 60_000;

/**
 * Builds the first candidate that works. Resolves { bin, jaeger, module, seconds } or rejects with a
 * one-line reason. A candidate already built (same module version, binary present) is reused unless
 * `force`: module versions never change, so there is nothing to rebuild.
 */
export async function buildJaeger({ log = (line) => console.log(line), force = false } = {}) {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) throw new Error('Go is not installed (no `go` on PATH); install Go ≥ 1.26 or set JAEGER_BIN to a Jaeger release binary');
  const reasons = [];
  const previous = builtInfo();
  for (const candidate of candidates) {
    const began = Date.now();
    if (!force && previous?.module === candidate.module && existsSync(cachedBin)) {
      log(`Jaeger ${candidate.jaeger} (module ${candidate.module}) already built; \`npm run jaeger:build -- --force\` rebuilds it`);
      return { bin: cachedBin, ...previous, seconds: 0 };
    }
    log(`building Jaeger ${candidate.jaeger} (module github.com/jaegertracing/jaeger@${candidate.module}) with ${go.stdout.trim()}…`);
    try {
      await buildOne(candidate);
      const seconds = (Date.now() - began) / 1000;
      const note = { jaeger: candidate.jaeger, module: candidate.module, ui: candidate.ui, seconds, builtAt: new Date().toISOString(), tried: reasons };
      writeFileSync(builtNote, `${JSON.stringify(note, null, 2)}\n`);
      return { bin: cachedBin, ...note };
    } catch (error) {
      const reason = `${candidate.jaeger}: ${error.message}`;
      reasons.push(reason);
      log(`  failed: ${reason}`);
    }
  }
  throw new Error(`no Jaeger candidate built (${reasons.join('; ')})`);
}

async function buildOne({ jaeger, module, commit }) {
  const dir = `${cacheDir}/src-${jaeger}`;
  mkdirSync(`${cacheDir}/bin`, { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/go.mod`, 'module tracelab.local/jaeger-build\n\ngo 1.26\n');
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off', CGO_ENABLED: '0' };
  await go(['get', '-tool', `github.com/jaegertracing/jaeger/cmd/jaeger@${module}`], dir, env);
  const sha = commit ?? module;
  const version = 'github.com/jaegertracing/jaeger/internal/version';
  const ldflags = `-s -w -X ${version}.latestVersion=${jaeger} -X ${version}.commitSHA=${sha}`;
  const out = `${dir}/jaeger`;
  await go(['build', '-trimpath', `-ldflags=${ldflags}`, '-o', out, 'github.com/jaegertracing/jaeger/cmd/jaeger'], dir, env);
  // Copied then renamed, so a running Jaeger keeps its file and a reader never sees half a binary.
  copyFileSync(out, `${cachedBin}.new`);
  renameSync(`${cachedBin}.new`, cachedBin);
}

function go(args, cwd, env) {
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

export function builtInfo() {
  try {
    return JSON.parse(readFileSync(builtNote, 'utf8'));
  } catch {
    return undefined;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const built = await buildJaeger({ force: process.argv.includes('--force') });
    console.log(`Jaeger ${built.jaeger}${built.seconds ? ` built in ${built.seconds.toFixed(1)} s` : ''}: ${built.bin}`);
  } catch (error) {
    console.error(`jaeger:build: ${error.message}`);
    process.exit(1);
  }
}
