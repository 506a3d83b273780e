// `npm run images [-- <app>…] [--engine docker|buildah] [--dockerfile <path>]`: builds each app's image from the root
// Dockerfile with whatever this machine has (a Docker engine that answers, else buildah) and
// prints its size and the size of its layers above the Node base image.
// When the base image is neither stored nor pullable (no registry), it first makes a stand-in under
// the same name (scripts/base-image.mjs) with buildah, pushes it into Docker when Docker builds, and
// says so. Docker builds with BuildKit (the Dockerfile uses RUN --mount).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { dockerfileNodeVersion, ensureBaseImage, ensureBaseInDocker } from './base-image.mjs';

const root = new URL('..', import.meta.url).pathname;
const APPS = readdirSync(join(root, 'apps')).sort();
const LOGS = '/var/tmp/tracelab/image-logs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { engine: { type: 'string' }, dockerfile: { type: 'string', default: 'Dockerfile' }, 'buildah-command': { type: 'boolean' } },
});

const ok = (cmd, args, timeout = 15_000) => spawnSync(cmd, args, { stdio: 'ignore', timeout }).status === 0;
const out = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim() ?? '';

/**
 * buildah with its own storage (TRACELAB_BUILDAH_ROOT, default /var/tmp/tracelab-buildah), so
 * that it never meets another configuration of the default store. overlay when the kernel mounts it (layers are diffs), else vfs, where every layer is a
 * full copy of the file system: the same four builds took 4 times as long and 10 times the disk.
 */
function buildahCommand() {
  const storage = process.env.TRACELAB_BUILDAH_ROOT ?? '/var/tmp/tracelab-buildah';
  for (const driver of ['overlay', 'vfs']) {
    const cmd = ['buildah', '--root', `${storage}/${driver}`, '--runroot', `/run/${basename(storage)}/${driver}`, '--storage-driver', driver];
    if (driver === 'vfs') return cmd;
    const probe = spawnSync(cmd[0], [...cmd.slice(1), 'from', 'scratch'], { encoding: 'utf8' });
    const container = probe.stdout?.trim();
    if (probe.status !== 0 || !container) continue;
    const mounted = ok(cmd[0], [...cmd.slice(1), 'mount', container]);
    spawnSync(cmd[0], [...cmd.slice(1), 'rm', container], { stdio: 'ignore' });
    if (mounted) return cmd;
  }
}

function chooseEngine() {
  if (opts.engine) return opts.engine;
  if (ok('docker', ['version', '--format', '{{.Server.Version}}'])) return 'docker';
  if (ok('buildah', ['--version'])) return 'buildah';
  console.error('images: no Docker engine answers and buildah is not installed (apt-get install buildah debootstrap)');
  process.exit(1);
}

/** Runs one build, its output to a log file; on failure, the failing step and the tool's last lines. */
function build(engine, buildah, app) {
  mkdirSync(LOGS, { recursive: true });
  const log = join(LOGS, `${app}.log`);
  const args = engine === 'docker'
    ? ['build', '--build-arg', `APP=${app}`, '-t', app, '-f', opts.dockerfile, '.']
    : [...buildah.slice(1), 'bud', '--isolation', 'chroot', '--layers', '--force-rm', '--pull=never', '--build-arg', `APP=${app}`, '-t', app, '-f', opts.dockerfile, '.'];
  const began = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env, DOCKER_BUILDKIT: '1' };
    const child = spawn(engine === 'docker' ? 'docker' : buildah[0], args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(log);
    let text = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => { file.write(d); text = (text + d).slice(-200_000); });
    child.on('close', (code) => {
      file.end();
      const seconds = (Date.now() - began) / 1000;
      if (code === 0) return resolve({ app, ok: true, seconds });
      const lines = text.trimEnd().split('\n');
      const step = [...lines].reverse().find((l) => /STEP \d+\/\d+:|^#\d+ \[|^Step \d+\/\d+ :/.test(l)) ?? '(no step reached)';
      resolve({ app, ok: false, seconds, step: step.trim(), tail: lines.slice(-20).join('\n'), log });
    });
  });
}

/** Size of the image, and of its layers above the base image, in bytes. */
function sizes(engine, buildah, app, base) {
  if (engine === 'docker') {
    const inspect = (ref) => JSON.parse(out('docker', ['image', 'inspect', ref]))[0];
    const image = inspect(app);
    const from = inspect(base);
    return { size: image.Size, above: image.Size - from.Size, layers: image.RootFS.Layers.length - from.RootFS.Layers.length };
  }
  // A stored image's manifest lists its layers with their uncompressed sizes.
  const layers = (ref) => JSON.parse(JSON.parse(out(buildah[0], [...buildah.slice(1), 'inspect', '--type', 'image', ref])).Manifest).layers.map((l) => l.size);
  const sum = (sizes) => sizes.reduce((a, b) => a + b, 0);
  const image = layers(app);
  const below = layers(base).length;
  return { size: sum(image), above: sum(image.slice(below)), layers: image.length - below };
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/** Working containers of builds that were killed half-way (a finished `bud` removes its own). */
function removeLeftovers(buildah) {
  // buildah prints `null`, not `[]`, when there are none.
  const containers = JSON.parse(out(buildah[0], [...buildah.slice(1), 'containers', '--json']) || 'null') ?? [];
  const leftovers = containers.filter((c) => /-working-container(-\d+)?$/.test(c.containername)).map((c) => c.id);
  if (leftovers.length) spawnSync(buildah[0], [...buildah.slice(1), 'rm', ...leftovers], { stdio: 'ignore' });
}

/**
 * Untagged images older than a day: earlier builds' stages, which no later build reuses once the
 * sources or the lockfile changed. Without this the store grew by ~40 GB in a day of edits. Newer
 * ones stay as the layer cache for the next build.
 */
function pruneStale(buildah) {
  const dayAgo = Date.now() - 24 * 3600_000;
  const stale = out(buildah[0], [...buildah.slice(1), 'images', '--filter', 'dangling=true', '--format', '{{.ID}} {{.CreatedAtRaw}}'])
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([id, date, time]) => id && Date.parse(`${date}T${time}Z`) < dayAgo)
    .map(([id]) => id);
  if (stale.length) spawnSync(buildah[0], [...buildah.slice(1), 'rmi', ...stale], { stdio: 'ignore' });
}

const buildah = buildahCommand();
if (opts['buildah-command']) {
  console.log(JSON.stringify(buildah));
  process.exit(0);
}
const apps = positionals.length ? positionals : APPS;
const unknown = apps.filter((a) => !APPS.includes(a));
if (unknown.length) {
  console.error(`images: no app ${unknown.join(', ')} (apps: ${APPS.join(', ')})`);
  process.exit(1);
}
const engine = chooseEngine();
const base = `node:${dockerfileNodeVersion()}-bookworm-slim`;
console.log(`images: ${apps.join(', ')} with ${engine === 'docker' ? 'docker build' : `buildah bud (storage ${buildah.at(-1)} in ${buildah[2]})`}`);
if (engine === 'buildah') {
  const stored = ok(buildah[0], [...buildah.slice(1), 'inspect', '--type', 'image', base]);
  if (!stored && !ok(buildah[0], [...buildah.slice(1), 'pull', '--quiet', `docker.io/library/${base}`], 180_000)) {
    console.log(`images: no registry reachable for ${base}: making a stand-in (debootstrap bookworm + the pinned node binary + npm from the npm registry + this machine's CA bundle)…`);
    const made = ensureBaseImage(buildah);
    console.log(`images: stand-in ${made.image} made in ${made.seconds.toFixed(0)} s`);
  }
}
if (engine === 'docker') {
  // Docker CLIs from 23 on build with BuildKit only through the buildx plugin; older ones (Debian's
  // docker.io 20.10) have it built in and use it with DOCKER_BUILDKIT=1.
  const client = Number(out('docker', ['version', '--format', '{{.Client.Version}}']).split('.')[0]);
  if (client >= 23 && !ok('docker', ['buildx', 'version'])) {
    console.error(`images: this docker CLI (${out('docker', ['version', '--format', '{{.Client.Version}}'])}) needs the buildx plugin for BuildKit, which is not installed: install docker-buildx, or put a client with BuildKit built in first on PATH (Debian's docker.io; \`eval "$(npm run -s cluster -- env)"\` does)`);
    process.exit(1);
  }
  if (!ok('docker', ['image', 'inspect', base]) && !ok('docker', ['pull', '--quiet', base], 120_000)) {
    console.log(`images: no registry reachable for ${base}: making a stand-in with buildah and pushing it into Docker…`);
    let made;
    try {
      made = ensureBaseInDocker(buildah);
    } catch (error) {
      console.error(`images: ${error.message}`);
      process.exit(1);
    }
    console.log(`images: stand-in ${made.image} in Docker in ${made.seconds.toFixed(0)} s`);
  }
}
if (engine === 'buildah') removeLeftovers(buildah);
let failed = 0;
for (const app of apps) {
  const result = await build(engine, buildah, app);
  if (!result.ok) {
    failed++;
    console.error(`${app}: build failed after ${result.seconds.toFixed(0)} s at ${result.step}\n${result.tail}\n(full log: ${result.log})`);
    continue;
  }
  const s = sizes(engine, buildah, app, base);
  console.log(`${app}: built in ${result.seconds.toFixed(0)} s; image ${mb(s.size)}, ${mb(s.above)} in ${s.layers} layers above ${base}`);
}
if (engine === 'buildah') pruneStale(buildah);
if (engine === 'buildah' && !failed) console.log(`images: list them with \`${buildah.join(' ')} images\`; tests/images shows how to run one`);
process.exit(failed ? 1 : 0);
