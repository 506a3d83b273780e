// Debian's dockerd on the cluster's containerd (`--containerd`), with its own data root, exec root,
// pid file and socket under the state folder, so it never meets a system dockerd's files. It
// builds the images Skaffold pushes to the local registry. It makes docker0 and the DOCKER
// chains and sets the FORWARD policy to DROP; `down` undoes those.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DIRS, DOCKER_CLIENT, SOCKETS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';
import { removeChains, removeLink } from '../lib/host.mjs';
import { run } from '../lib/proc.mjs';

export const DOCKER_HOST = `unix://${SOCKETS.docker}`;
export const dockerEnv = () => ({ ...process.env, DOCKER_HOST, DOCKER_BUILDKIT: '1' });
export const docker = (args, opts = {}) => run(DOCKER_CLIENT, args, { env: dockerEnv(), timeoutMs: 300_000, ...opts });

export const dockerd = daemonStep({
  name: 'dockerd',
  bin: () => '/usr/sbin/dockerd',
  args: () => [
    '--containerd', SOCKETS.containerd,
    '--data-root', DIRS.dockerData,
    '--exec-root', DIRS.dockerExec,
    '--pidfile', join(DIRS.run, 'dockerd.own.pid'),
    '--host', DOCKER_HOST,
  ],
  before() {
    mkdirSync(DIRS.dockerData, { recursive: true });
    mkdirSync(DIRS.dockerExec, { recursive: true });
    if (existsSync(SOCKETS.docker)) rmSync(SOCKETS.docker);
  },
  ready: () => docker(['version', '--format', '{{.Server.Version}}'], { allowFail: true, timeoutMs: 5000 }).status === 0,
  readyTimeoutMs: 90_000,
  where: () => `DOCKER_HOST=${DOCKER_HOST}`,
  stopGraceMs: 20_000,
  afterStop() {
    const chains = removeChains(/^DOCKER/, (rule) => /docker0/.test(rule));
    const link = removeLink('docker0');
    return chains || link ? `removed ${chains} DOCKER chains${link ? ' and docker0' : ''}` : '';
  },
});
