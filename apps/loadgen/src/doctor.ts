import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Services export in batches (OTEL_BSP_SCHEDULE_DELAY, 5 s by default): the run's last spans need that long to reach Jaeger. */
const EXPORT_DELAY_MS = 6000;

/**
 * `--doctor`: the trace doctor's summary of the run, read back from Jaeger (`--jaeger`) for the
 * run's window: the gateway's traces, as many as the run sent (up to 2 000). Runs the doctor's bin,
 * so its output and exit code are what `npm run doctor` gives; resolves with that exit code.
 */
export async function runDoctor(options: { jaegerUrl: string; startedAt: Date; endedAt: Date; requests: number; write: (text: string) => void }): Promise<number> {
  const bin = doctorBin();
  if (!bin) {
    options.write('doctor: @tracelab/doctor is not built here; run `npm run build -w @tracelab/doctor` (or `npm run doctor`) once\n');
    return 2;
  }
  options.write(`\ndoctor: waiting ${EXPORT_DELAY_MS / 1000} s for the run's last spans to reach ${options.jaegerUrl}\n`);
  await sleep(EXPORT_DELAY_MS);
  const args = [
    bin,
    '--jaeger', options.jaegerUrl,
    '--service', 'gateway',
    '--start', options.startedAt.toISOString(),
    '--end', new Date(options.endedAt.getTime() + 1000).toISOString(),
    '--limit', String(Math.max(1, Math.min(options.requests, 2000))),
    '--top', '5',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => options.write(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => options.write(chunk.toString()));
    child.on('close', (code) => resolve(code ?? 2));
  });
}

function doctorBin(): string | undefined {
  try {
    const manifest = require.resolve('@tracelab/doctor/package.json');
    const bin = join(dirname(manifest), 'dist/bin/tracelab-doctor.js');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}
