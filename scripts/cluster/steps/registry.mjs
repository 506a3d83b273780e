// Debian's docker-registry with its own config: loopback only, no auth (the packaged config asks
// for htpasswd), storage under the state folder so pushed images survive `down`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRS, PORTS } from '../config.mjs';
import { daemonStep } from '../lib/daemon.mjs';

const CONFIG = join(DIRS.config, 'registry.yml');

export const registry = daemonStep({
  name: 'registry',
  ports: [PORTS.registry],
  bin: () => '/usr/bin/docker-registry',
  args: () => ['serve', CONFIG],
  before() {
    mkdirSync(DIRS.registry, { recursive: true });
    mkdirSync(DIRS.config, { recursive: true });
    writeFileSync(CONFIG, `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${DIRS.registry}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${PORTS.registry}
`);
  },
  ready: async () => (await fetch(`http://127.0.0.1:${PORTS.registry}/v2/`)).ok,
  where: () => `http://127.0.0.1:${PORTS.registry}`,
});
