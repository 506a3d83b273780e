import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// Compiled to tests/images/.test-dist/test/support/.
export const ROOT = join(__dirname, '../../../../..');
export const APPS = ['gateway', 'orders', 'inventory', 'loadgen'] as const;
export type App = (typeof APPS)[number];
export const SERVICES = ['inventory', 'orders', 'gateway'] as const;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the image tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!has('buildah')) return 'buildah is not installed (.ci/run installs it with apt-get when it runs as root)';
  if (process.getuid?.() !== 0) return 'buildah builds here only as root (chroot isolation, own storage under /var/tmp)';
  if (!has('debootstrap')) return 'debootstrap is not installed: no stand-in for the Node base image can be made';
  return undefined;
}

/** Runs scripts/images.mjs (what `npm run images` runs) with Node 24. */
export function imagesScript(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/images.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
}

let command: string[] | undefined;
/** buildah with the storage flags scripts/images.mjs builds into. */
function buildahCommand(): string[] {
  if (!command) {
    const r = imagesScript(['--buildah-command']);
    if (r.status !== 0) throw new Error(`images.mjs --buildah-command failed: ${r.stderr}`);
    command = JSON.parse(r.stdout) as string[];
  }
  return command;
}

export function buildah(args: string[]): string {
  const [cmd, ...flags] = buildahCommand();
  const r = spawnSync(cmd, [...flags, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`buildah ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export interface ImageConfig {
  User?: string;
  WorkingDir?: string;
  Env?: string[];
  Cmd?: string[];
  ExposedPorts?: Record<string, unknown>;
}

export function imageConfig(image: string): ImageConfig {
  return (JSON.parse(buildah(['inspect', '--type', 'image', image])) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
}

export const envOf = (config: ImageConfig) => Object.fromEntries((config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

const PREFIX = 'tracelab-image-test-';

/** A working container of `image`, named so that a crashed run's leftovers are found and removed. */
export function container(image: string): string {
  return buildah(['from', '--pull=never', '--name', `${PREFIX}${image}-${process.pid}`, image]);
}

export function removeContainers(): void {
  const names = buildah(['containers', '--format', '{{.ContainerName}}']).split('\n').filter((n) => n.startsWith(PREFIX));
  if (names.length) buildah(['rm', ...names]);
}

/**
 * Runs the image's own CMD in its own WORKDIR and ENV (plus `env`) as its own USER, on the host
 * network: `buildah run --isolation chroot`. Its own process group, so that stop() reaches the app.
 */
export function run(name: string, config: ImageConfig, env: Record<string, string>, stdio: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  const [cmd, ...flags] = buildahCommand();
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const args = [...flags, 'run', '--isolation', 'chroot', '--network', 'host', '--user', config.User ?? 'root', ...envArgs, name, '--', ...(config.Cmd ?? [])];
  return spawn(cmd, args, { detached: true, stdio: ['ignore', stdio, stdio] });
}

/** The image's own process under `buildah run` (the one not named buildah*): what Kubernetes would signal. */
function appProcesses(pgid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      return group === pgid && !basename(argv0).startsWith('buildah') ? [Number(pid)] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** How stop() found and left a service: only 'stopped by SIGTERM' means SIGTERM alone stopped it. */
export type StopOutcome = 'stopped by SIGTERM' | 'had already exited' | 'no app process to signal' | 'killed after 10 s';

/**
 * SIGTERM to the app itself, as Kubernetes stops a container (buildah run answers a signal of its
 * own by killing the app); SIGKILL to the whole group after 10 s. A process that was already gone
 * (a crashed service) is not "stopped by SIGTERM": that is what the stop test must tell apart.
 */
export async function stop(child: ChildProcess): Promise<StopOutcome> {
  if (child.exitCode !== null || child.signalCode !== null) return 'had already exited';
  const exited = new Promise((r) => child.once('exit', r));
  const apps = appProcesses(child.pid!);
  for (const pid of apps) process.kill(pid, 'SIGTERM');
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, apps.length ? 10_000 : 0);
  await exited;
  clearTimeout(timer);
  if (apps.length === 0) return 'no app process to signal';
  return killed ? 'killed after 10 s' : 'stopped by SIGTERM';
}
