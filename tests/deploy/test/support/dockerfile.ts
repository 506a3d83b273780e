import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './repo';

export interface RunnerStage {
  env: Record<string, string>;
  workdir: string;
  user?: string;
  cmd: string[];
}

/** ENV, WORKDIR, USER and CMD of a Dockerfile's last stage: how its container starts. */
export function runnerStage(app: string): RunnerStage {
  const text = readFileSync(join(ROOT, 'apps', app, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const last = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0).at(-1)!;
  const stage: RunnerStage = { env: {}, workdir: '/', cmd: [] };
  for (const line of lines.slice(last + 1)) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'ENV':
        for (const m of args.matchAll(/([A-Z_][A-Z0-9_]*)=("([^"]*)"|\S+)/g)) stage.env[m[1]] = m[3] ?? m[2];
        break;
      case 'WORKDIR':
        stage.workdir = args.startsWith('/') ? args : join(stage.workdir, args);
        break;
      case 'USER':
        stage.user = args;
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
    }
  }
  return stage;
}
