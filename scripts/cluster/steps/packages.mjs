// Debian packages the cluster runs (containerd, runc, CNI plugins, Docker Engine, the registry,
// conntrack, socat, iptables), installed with apt-get where missing.
import { existsSync } from 'node:fs';
import { PACKAGES } from '../config.mjs';
import { Fault, run } from '../lib/proc.mjs';

export const packages = {
  name: 'packages',
  up() {
    const missing = Object.entries(PACKAGES).filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
    if (!missing.length) return `packages: ${Object.keys(PACKAGES).join(', ')} present`;
    if (!existsSync('/usr/bin/apt-get')) throw new Fault(`missing Debian packages ${missing.join(', ')} and no apt-get to install them`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env, timeoutMs: 600_000 });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: 1_200_000 });
    return `packages: installed ${missing.join(', ')} with apt-get`;
  },
  down: () => undefined,
  status: () => {
    const missing = Object.entries(PACKAGES).filter(([, f]) => !existsSync(f)).map(([p]) => p);
    return `packages: ${missing.length ? `missing ${missing.join(', ')}` : 'present'}`;
  },
};
