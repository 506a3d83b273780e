import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { REFERENCE, ROOT } from './root';
import type { HelmRelease } from './skaffold';
import { runTool } from './tools';

export type ChartLookup = { dir: string; from: string } | { skip: string };

const chartVersion = (dir: string) => (parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { version: string }).version;

/**
 * The chart a release installs: its chartPath; else the reference copy when it is that version; else
 * a copy pulled once with `helm pull` into .tracelab/charts; else a reason to skip (no network).
 */
export function findChart(helm: string, release: HelmRelease, root = ROOT, cacheDir = join(ROOT, '.tracelab', 'charts')): ChartLookup {
  if (release.chartPath) return { dir: join(root, release.chartPath), from: release.chartPath };
  const { remoteChart: name, version, repo } = release;
  if (!name || !version || !repo) return { skip: `skipped: release ${release.name} names no chartPath, nor remoteChart, version and repo` };
  const reference = join(REFERENCE, 'charts', name);
  if (existsSync(join(reference, 'Chart.yaml')) && chartVersion(reference) === version) return { dir: reference, from: relative(root, reference) };
  const cached = join(cacheDir, `${name}-${version}`);
  if (existsSync(join(cached, name, 'Chart.yaml'))) return { dir: join(cached, name), from: cached };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(`${cached}.tmp-`);
  const pull = runTool(helm, ['pull', name, '--repo', repo, '--version', version, '--untar', '--untardir', tmp]);
  if (pull.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    return { skip: `skipped: chart ${name} ${version} is not in ${join(REFERENCE, 'charts')} and \`helm pull\` from ${repo} failed: ${pull.stderr.trim().split('\n').at(-1)}` };
  }
  try {
    renameSync(tmp, cached);
  } catch {
    // Another process pulled it first: keep theirs.
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir: join(cached, name), from: `helm pull ${name} ${version} from ${repo}` };
}

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every `.Values.a.b.c` chain in the chart's templates, as key paths. */
export function templateReferences(chartDir: string): string[][] {
  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
  const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const refs = [...text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)].map((m) => m[1].slice(1).split('.'));
  // `hasKey .Values.a "b"` reads a.b.
  for (const m of text.matchAll(/hasKey\s+\.Values((?:\.[A-Za-z0-9_]+)+)\s+"([A-Za-z0-9_]+)"/g)) refs.push([...m[1].slice(1).split('.'), m[2]]);
  return refs;
}

/**
 * A JSON schema allowing the keys the chart knows: those of its values.yaml and those its templates
 * read. Below a value the templates read whole (`toYaml .Values.jaeger.podSecurityContext`) or a
 * default that is not a map, the content is free-form: the rendered object is checked against its
 * Kubernetes type instead.
 */
export function declaredKeysSchema(defaults: unknown, refs: string[][], path: string[] = []): object {
  const deeper = refs.filter((r) => r.length > path.length && path.every((k, i) => r[i] === k));
  const readWhole = refs.some((r) => r.length === path.length && path.every((k, i) => r[i] === k));
  const keys = new Set([...(isMap(defaults) ? Object.keys(defaults) : []), ...deeper.map((r) => r[path.length])]);
  if (keys.size === 0 || (readWhole && deeper.length === 0)) return {};
  const properties = Object.fromEntries([...keys].map((k) => [k, declaredKeysSchema(isMap(defaults) ? defaults[k] : undefined, deeper, [...path, k])]));
  return { type: 'object', additionalProperties: false, properties };
}

/**
 * A temporary copy of the chart whose values.schema.json rejects keys the chart does not know, so
 * that Helm itself reports a misspelt or outdated key (the chart ships no schema, and Helm silently
 * ignores values nobody reads). Subcharts' and global values stay free.
 */
export function chartWithDeclaredKeys(chartDir: string, tmpRoot: string): string {
  const copy = join(mkdtempSync(join(tmpRoot, 'chart-')), 'chart');
  cpSync(chartDir, copy, { recursive: true });
  // The reference copy is read-only; its copy must be writable here and removable later.
  for (const entry of ['.', ...readdirSync(copy, { recursive: true, encoding: 'utf8' })]) {
    const path = join(copy, entry);
    chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  }
  const chart = parse(readFileSync(join(copy, 'Chart.yaml'), 'utf8')) as { dependencies?: Array<{ name: string; alias?: string }> };
  const schema = declaredKeysSchema(parse(readFileSync(join(copy, 'values.yaml'), 'utf8')), templateReferences(copy)) as { properties: Values };
  for (const key of ['global', ...(chart.dependencies ?? []).map((d) => d.alias ?? d.name)]) schema.properties[key] = {};
  writeFileSync(join(copy, 'values.schema.json'), JSON.stringify(schema, null, 1), { mode: 0o644 });
  return copy;
}
