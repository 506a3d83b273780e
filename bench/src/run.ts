import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FakeCollector } from '@tracelab/tracing/testing';
import { delivery } from './delivery';
import { devReadyMillis, exportLatency } from './latency';
import { micro } from './micro';
import { overhead, ratios } from './overhead';
import { markdown, type Results } from './report';
import { settings } from './settings';

const ROOT = resolve(__dirname, '../..');

/** `npm run bench` (or `--smoke` for CI): all measurements in one run, report on stdout and in bench/results. */
async function main(): Promise<void> {
  const s = settings(process.argv.slice(2));
  const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : join(ROOT, 'bench/results');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Counting, not decoding, keeps the receiver's CPU small next to the services it shares the cores with.
  const collector = await new FakeCollector({ mode: 'count' }).start();
  const decoding = await new FakeCollector().start();
  try {
    log('overhead (A/B/A/B)…');
    const rounds = await overhead(collector, s, log);
    log('span delivery…');
    const steps = await delivery(collector, s, log);
    log('export latency…');
    const latency = await exportLatency(decoding, s.exportLatencySamples);
    const dev = s.smoke ? undefined : await devReadyMillis(ROOT, collector.endpoint);
    log('micro-benchmark…');
    const results: Results = {
      date: new Date().toISOString().slice(0, 10),
      settings: s,
      rounds,
      ratios: ratios(rounds),
      delivery: steps,
      exportLatencyMillis: latency,
      devReadyMillis: dev,
      micro: await micro(s.microTimeMillis),
    };
    const report = markdown(results);
    mkdirSync(outDir, { recursive: true });
    const name = s.smoke ? 'smoke' : 'latest';
    writeFileSync(join(outDir, `${name}.md`), `${report}\n`);
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${report}\n`);
  } finally {
    await collector.stop();
    await decoding.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
