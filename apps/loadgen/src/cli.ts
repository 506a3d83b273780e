#!/usr/bin/env node
import { parseOptions, USAGE, UsageError } from './options';
import { progressLine, summary } from './report';
import { run } from './runner';
import { runDoctor } from './doctor';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const tty = process.stdout.isTTY;
  const mode = options.rate > 0 ? `${options.rate} req/s` : `${options.concurrency} in flight`;
  process.stdout.write(`load: ${options.target}, ${mode}, ${options.durationSeconds} s` + (options.faultShare ? `, ${options.faultShare * 100}% with faults ${options.faults.join('|')}` : '') + '\n');
  const started = performance.now();
  const startedAt = new Date();
  let lastPrinted = 0;
  const stats = await run(options, {
    onProgress: (s, elapsed) => {
      // One line rewritten in place on a terminal; a line every 5 s in logs (kubectl logs, CI).
      if (tty) process.stdout.write(`\r${progressLine(s, elapsed)}\x1b[K`);
      else if (elapsed - lastPrinted >= 5) (lastPrinted = elapsed), process.stdout.write(`${progressLine(s, elapsed)}\n`);
    },
  });
  if (tty) process.stdout.write('\n');
  process.stdout.write(`\n${summary(stats, options, (performance.now() - started) / 1000)}\n`);
  if (options.doctor) await runDoctor({ jaegerUrl: options.jaegerUrl, startedAt, endedAt: new Date(), requests: stats.count, write: (t) => process.stdout.write(t) });
  if (options.maxErrorRate !== undefined && stats.errorRate() > options.maxErrorRate) {
    process.stdout.write(`\nerror rate ${(stats.errorRate() * 100).toFixed(2)}% is above --max-error-rate ${(options.maxErrorRate * 100).toFixed(2)}%\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`load: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
