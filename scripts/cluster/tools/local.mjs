// Go programs of this folder (go/<name>): the pause process and the hostPath provisioner. Their
// cache key is a hash of their sources, so an edit rebuilds them and nothing else does.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const GO_DIR = new URL('../go', import.meta.url).pathname;

function local(name, pkg) {
  const source = join(GO_DIR, name);
  const hash = createHash('sha256');
  for (const f of readdirSync(source).sort()) hash.update(f).update(readFileSync(join(source, f)));
  return { name, version: hash.digest('hex').slice(0, 12), outputs: [name], packages: [pkg], source };
}

export const pause = local('pause', 'tracelab.local/cluster/pause');
export const provisioner = local('provisioner', 'tracelab.local/cluster/provisioner');
/** Built only by the smoke check. */
export const smokeWeb = local('smoke-web', 'tracelab.local/cluster/smoke-web');
