// Stand-ins for the official `debian:bookworm-slim` and `node:<version>-bookworm-slim` images, for
// machines that reach no container registry (like the CI machines): Debian bookworm from
// debootstrap with this machine's CA bundle (npm inside the build goes through a TLS-inspecting
// proxy here), then the Node binary of the pinned `node` package and npm from the npm registry.
// Test plumbing only: the Dockerfiles stay what users build with the real images.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`base image: ${cmd} ${args.slice(0, 4).join(' ')}… failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail}`);
  }
  return r.stdout.trim();
}

/** The Node version the Dockerfile's FROM asks for (its `ARG NODE_VERSION=` default). */
export function dockerfileNodeVersion(dockerfile = join(root, 'Dockerfile')) {
  const m = /^ARG NODE_VERSION=(\S+)/m.exec(readFileSync(dockerfile, 'utf8'));
  if (!m) throw new Error(`${dockerfile} has no ARG NODE_VERSION=`);
  return m[1];
}

/** The Debian stand-in's name: what `FROM debian:bookworm-slim` finds (the stand-in images build on it). */
export const DEBIAN_IMAGE = 'debian:bookworm-slim';

/**
 * Makes `debian:bookworm-slim` in buildah's storage unless it is there: debootstrap's minbase from
 * Debian's archive (about 26 s) and this machine's CA bundle (NODE_EXTRA_CA_CERTS names it in the
 * Node image). Returns what it did.
 */
export function ensureDebianImage(buildah) {
  const [cmd, ...flags] = buildah;
  if (spawnSync(cmd, [...flags, 'inspect', '--type', 'image', DEBIAN_IMAGE], { stdio: 'ignore' }).status === 0) return { image: DEBIAN_IMAGE, made: false };
  const began = Date.now();
  // Mode 755: debootstrap's chroot and the image's non-root users must traverse it.
  mkdirSync('/var/tmp/tracelab', { recursive: true, mode: 0o755 });
  const container = run(cmd, [...flags, 'from', 'scratch']);
  try {
    const rootfs = run(cmd, [...flags, 'mount', container]);
    run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian']);
    rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
    if (existsSync(CA_BUNDLE)) {
      mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
      copyFileSync(CA_BUNDLE, join(rootfs, CA_BUNDLE));
    }
    run(cmd, [...flags, 'umount', container]);
    run(cmd, [...flags, 'config', '--cmd', 'bash', '--created-by', 'scripts/base-image.mjs (stand-in)', container]);
    run(cmd, [...flags, 'commit', '--rm', container, DEBIAN_IMAGE]);
  } catch (err) {
    spawnSync(cmd, [...flags, 'rm', container], { stdio: 'ignore' });
    throw err;
  }
  return { image: DEBIAN_IMAGE, made: true, seconds: (Date.now() - began) / 1000 };
}

/**
 * Makes `node:<version>-bookworm-slim` in buildah's storage unless it is there already: the Debian
 * stand-in, the Node binary of the pinned `node` package, npm from the npm registry.
 * `buildah` is the command prefix (storage flags included). Returns what it did, for one line of output.
 */
export function ensureBaseImage(buildah, version = dockerfileNodeVersion()) {
  const image = `node:${version}-bookworm-slim`;
  const [cmd, ...flags] = buildah;
  if (spawnSync(cmd, [...flags, 'inspect', '--type', 'image', image], { stdio: 'ignore' }).status === 0) return { image, made: false };

  const nodeBinary = join(root, 'node_modules/node/bin/node');
  const actual = existsSync(nodeBinary) ? run(nodeBinary, ['--version']) : 'missing';
  if (actual !== `v${version}`) throw new Error(`base image: the Dockerfile asks for Node ${version}, node_modules/node/bin/node is ${actual} (run npm ci)`);
  const npmVersion = /^npm@(.+)$/.exec(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager)?.[1];
  if (!npmVersion) throw new Error('base image: package.json has no packageManager "npm@<version>"');

  const began = Date.now();
  ensureDebianImage(buildah);
  const work = mkdtempSync('/var/tmp/tracelab/base-');
  chmodSync(work, 0o755);
  const container = run(cmd, [...flags, 'from', '--pull=never', DEBIAN_IMAGE]);
  try {
    const rootfs = run(cmd, [...flags, 'mount', container]);
    copyFileSync(nodeBinary, join(rootfs, 'usr/local/bin/node'));
    chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
    const tarball = run('npm', ['pack', `npm@${npmVersion}`, '--pack-destination', work, '--silent'], { cwd: work }).split('\n').at(-1);
    const npmDir = join(rootfs, 'usr/local/lib/node_modules/npm');
    mkdirSync(npmDir, { recursive: true });
    run('tar', ['-xzf', join(work, tarball), '-C', npmDir, '--strip-components=1', '--no-same-owner']);
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));

    const env = ['--env', `NODE_VERSION=${version}`];
    if (existsSync(CA_BUNDLE)) env.push('--env', `NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`);
    run(cmd, [...flags, 'umount', container]);
    run(cmd, [...flags, 'config', ...env, '--cmd', 'node', '--created-by', 'scripts/base-image.mjs (stand-in)', container]);
    run(cmd, [...flags, 'commit', '--rm', container, image]);
  } catch (err) {
    spawnSync(cmd, [...flags, 'rm', container], { stdio: 'ignore' });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { image, made: true, seconds: (Date.now() - began) / 1000 };
}

/**
 * A stand-in in Docker's image store: made with buildah if needed (`make`: ensureBaseImage by
 * default, or ensureDebianImage), then into Docker, for Docker builds that start FROM it.
 */
export function ensureBaseInDocker(buildah, make = ensureBaseImage) {
  const began = Date.now();
  if (spawnSync('buildah', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('base image: the stand-in is made with buildah, which is not installed (apt-get install buildah debootstrap)');
  }
  const { image } = make(buildah);
  const [cmd, ...flags] = buildah;
  // Through an archive and `docker load`, not buildah's docker-daemon: transport, which only talks
  // to /var/run/docker.sock and not to a daemon named by DOCKER_HOST (npm run cluster's).
  mkdirSync('/var/tmp/tracelab', { recursive: true, mode: 0o755 });
  const work = mkdtempSync('/var/tmp/tracelab/to-docker-');
  try {
    const archive = join(work, 'image.tar');
    run(cmd, [...flags, 'push', '--quiet', image, `docker-archive:${archive}:${image}`]);
    run('docker', ['load', '--quiet', '--input', archive]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { image, seconds: (Date.now() - began) / 1000 };
}

// `node scripts/base-image.mjs --docker`: the Node base stand-in into the Docker that DOCKER_HOST names
// (npm run cluster's), so that `skaffold run` finds the Dockerfile's FROM image: Skaffold reads
// the base image's ONBUILD triggers before it builds anything, and asks Docker Hub when Docker lacks it.
if (process.argv[1] === new URL(import.meta.url).pathname && process.argv.includes('--docker')) {
  try {
    const inDocker = spawnSync('docker', ['image', 'inspect', `node:${dockerfileNodeVersion()}-bookworm-slim`], { stdio: 'ignore' }).status === 0;
    if (inDocker) {
      console.log(`base image: node:${dockerfileNodeVersion()}-bookworm-slim is in Docker already`);
    } else {
      const buildah = JSON.parse(run(process.execPath, [join(root, 'scripts/images.mjs'), '--buildah-command']));
      const made = ensureBaseInDocker(buildah);
      console.log(`base image: stand-in ${made.image} in Docker in ${made.seconds.toFixed(0)} s`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
