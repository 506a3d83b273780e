// `npm run cluster -- up | down | status | env | build | smoke`: a single-node Kubernetes on this
// machine from parts built here (see README.md in this folder). One ✓ line per step.
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRS, DOCKER_CLIENT, KUBECONFIG, PORTS, STATE } from './config.mjs';
import { setKubectl } from './lib/kube.mjs';
import { Fault, cmdline } from './lib/proc.mjs';
import { checkForeignDockerd, checkGo, checkPorts, nodeIp, unsupported } from './preflight.mjs';
import { DOCKER_HOST } from './steps/docker.mjs';
import { STEPS } from './steps/index.mjs';
import { packages } from './steps/packages.mjs';
import { bin, buildAll, crictl, skaffold } from './tools/index.mjs';
import { kubeCli } from './tools/kube-cli.mjs';
import { buildHelm3, helm3Paths } from '../helm/build.mjs';

const USAGE = 'usage: npm run cluster -- up | down [--purge] | status | env | build | smoke';
const LOCK = join(STATE, 'cluster.lock');
const seconds = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

/** One `up`/`down` at a time per checkout; a lock left by a killed run is taken over. */
function lock() {
  mkdirSync(STATE, { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      closeSync(openSync(LOCK, 'wx'));
      writeFileSync(LOCK, String(process.pid));
      return () => rmSync(LOCK, { force: true });
    } catch {
      const holder = Number(readFileSync(LOCK, 'utf8'));
      // A zombie or a recycled pid has no `cli.mjs` on its command line.
      if (holder && cmdline(holder)?.some((a) => a.endsWith('cluster/cli.mjs'))) throw new Fault(`another \`npm run cluster\` (pid ${holder}) is working on this cluster; wait for it`);
      rmSync(LOCK, { force: true });
    }
  }
  throw new Fault(`could not take ${LOCK}`);
}

async function up() {
  const began = Date.now();
  checkGo();
  checkPorts(STEPS);
  checkForeignDockerd();
  const ctx = { nodeIp: nodeIp(), log: (l) => console.log(l) };
  for (const step of STEPS) {
    const t = Date.now();
    try {
      console.log(`✓ ${await step.up(ctx)} (${seconds(t)})`);
    } catch (error) {
      throw new Fault(`✗ ${step.name}: ${error.message}\n  The steps before it still run: fix the cause and run \`npm run cluster -- up\` again, or \`npm run cluster -- down\` to stop them.`);
    }
  }
  console.log(`cluster up in ${seconds(began)}: kubectl context tracelab; use it with  eval "$(npm run -s cluster -- env)"`);
}

async function down() {
  const began = Date.now();
  let failed = 0;
  for (const step of [...STEPS].reverse()) {
    try {
      const t = Date.now();
      const line = await step.down({});
      if (line) console.log(`✓ ${line} (${seconds(t)})`);
    } catch (error) {
      failed++;
      console.log(`✗ ${step.name}: ${error.message}`);
    }
  }
  if (failed) {
    console.log(`cluster down with ${failed} errors (above); run it again`);
    process.exitCode = 1;
    return;
  }
  // --purge: also forget the cluster's data (etcd, certificates, registry, volumes, Docker's cache).
  if (process.argv.includes('--purge')) {
    for (const entry of readdirSync(STATE)) if (entry !== 'cluster.lock') rmSync(join(STATE, entry), { recursive: true, force: true });
  }
  console.log(`cluster down in ${seconds(began)}: nothing of it runs${process.argv.includes('--purge') ? `; its data in ${STATE} deleted` : ''}`);
}

async function status() {
  const cli = await kubeCli();
  setKubectl(cli.kubectl);
  const lines = [];
  for (const step of STEPS) lines.push(await step.status());
  const running = lines.filter((l) => / running, pid /.test(l)).length;
  const daemons = lines.filter((l) => /: (running, pid|not running)/.test(l)).length;
  console.log(`cluster (${STATE}): ${running === 0 ? 'not running' : `${running} of ${daemons} processes running`}`);
  for (const l of lines) console.log(`  ${l}`);
}

/** A folder of links, so PATH gains exactly these commands and nothing else from /usr/bin. */
async function env() {
  const cli = await kubeCli();
  const dir = join(STATE, 'bin');
  mkdirSync(dir, { recursive: true });
  // helm is Helm 3 (scripts/helm/build.mjs): Skaffold 2.16 cannot drive the npm package's Helm 4.
  const links = { skaffold: bin(skaffold), kubectl: cli.kubectl, helm: helm3Paths().bin, crictl: bin(crictl), docker: DOCKER_CLIENT };
  // Replaced by rename, so a shell using the folder meanwhile never misses a command.
  for (const [name, target] of Object.entries(links)) {
    const tmp = join(dir, `.${name}.${process.pid}`);
    symlinkSync(target, tmp);
    renameSync(tmp, join(dir, name));
  }
  console.log(`# The local cluster (npm run cluster); apply with: eval "$(npm run -s cluster -- env)"
export KUBECONFIG='${KUBECONFIG}'
export DOCKER_HOST='${DOCKER_HOST}'
# Debian's docker client has BuildKit built in; /usr/local/bin/docker on these machines is a 28.x
# CLI that needs the buildx plugin for BuildKit, so ${dir}/docker (-> ${DOCKER_CLIENT}) comes first.
export DOCKER_BUILDKIT=1
export PATH='${dir}':"$PATH"
export CONTAINER_RUNTIME_ENDPOINT='unix://${join(DIRS.run, 'containerd.sock')}'
export SKAFFOLD_UPDATE_CHECK=false
# Skaffold pushes the images it builds to the cluster's registry (the tracelab profile sets push).
export SKAFFOLD_DEFAULT_REPO='localhost:${PORTS.registry}'`);
}

async function main() {
  const command = process.argv[2];
  if (!['up', 'down', 'status', 'env', 'build', 'smoke'].includes(command)) throw new Fault(USAGE);
  const why = unsupported();
  if (why) throw new Fault(`cluster ${command}: ${why}`);
  if (command === 'env') return env();
  if (command === 'status') return status();
  if (command === 'build') {
    // Everything `up` needs before it starts a process: for CI, so the tests' own `up` only starts.
    console.log(`✓ ${packages.up()}`);
    checkGo();
    const times = await buildAll();
    const helm = await buildHelm3({ log: console.log });
    times.helm = helm.cached ? 0 : helm.seconds;
    await kubeCli();
    return console.log(`tools: ${Object.entries(times).map(([n, s]) => `${n} ${s ? `built in ${s.toFixed(0)} s` : 'cached'}`).join(', ')}`);
  }
  if (command === 'smoke') return (await import('./smoke.mjs')).smoke();
  const release = lock();
  try {
    await (command === 'up' ? up() : down());
  } finally {
    release();
  }
}

main().catch((error) => {
  console.error(error instanceof Fault ? error.message : `cluster: ${error.stack ?? error}`);
  process.exitCode = 1;
});
