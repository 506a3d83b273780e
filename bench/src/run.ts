import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FakeCollector } from '@tracelab/tracing/testing';
import { cpu } from './cpu';
import { delivery } from './delivery';
import { instrumentations } from './instrumentations';
import { jaegerCapacity } from './jaeger-capacity';
import { httpHooks } from './http-hooks';
import { httpLever, levers, split } from './levers';
import { devReadyMillis, exportLatency } from './latency';
import { micro } from './micro';
import { overhead, ratios } from './overhead';
import { LoadSampler } from './proc';
import { profile } from './profile';
import { markdown, type Results } from './report';
import { settings } from './settings';

const ROOT = resolve(__dirname, '../..');

/**
 * `npm run bench` (`-- --smoke` for CI, `-- --levers`, `-- --split`, `-- --profile`, `-- --instrumentations`, `-- --only cpu,profile`,
 * `-- --report results.json` to render a results file again):
 * the measurements in one run, report on stdout and in bench/results.
 */
async function main(): Promise<void> {
  const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
  const again = arg('--report');
  if (again) {
    // Renders a results file again, e.g. after a change to the report's wording.
    process.stdout.write(`${markdown(JSON.parse(readFileSync(again, 'utf8')) as Results)}\n`);
    return;
  }
  const s = settings(process.argv.slice(2));
  const outDir = arg('--out') ?? join(ROOT, 'bench/results');
  // A partial run (--only) must not overwrite the full results.
  const name = s.smoke ? 'smoke' : process.argv.includes('--only') ? `only-${s.parts.join('-')}` : 'latest';
  mkdirSync(outDir, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const has = (part: (typeof s.parts)[number]) => {
    // What is measured so far is kept, so that a failure later in a long run loses only its own part.
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify({ ...results, loadAverage: loadAverage.snapshot() }, null, 2)}\n`);
    return s.parts.includes(part);
  };
  const loadAverage = new LoadSampler();
  // Counting, not decoding, keeps the receiver's CPU small next to the services it shares the cores with.
  const collector = await new FakeCollector({ mode: 'count' }).start();
  const decoding = await new FakeCollector().start();
  const results: Omit<Results, 'loadAverage'> = { date: new Date().toISOString().slice(0, 10), settings: s };
  try {
    if (has('cpu')) {
      log('CPU per request at fixed rates, on/off…');
      results.cpu = await cpu(s, log);
    }
    if (has('levers')) {
      log('before, each lever, after, off…');
      results.levers = await levers(s, log);
    }
    if (has('http')) {
      log('lever 1 alone: upstream instrumentation-http, diagnostics channel, off…');
      results.httpLever = await httpLever(s, log);
    }
    if (has('hooks')) {
      log('the HTTP instrumentation alone: upstream, diagnostics channel, off…');
      results.httpHooks = httpHooks(s, log);
    }
    if (has('split')) {
      log('on, always_off, off…');
      results.split = await split(s, log);
    }
    if (has('instrumentations')) {
      log('each instrumentation left out…');
      results.instrumentations = await instrumentations(s, log);
    }
    if (has('profile')) {
      log('CPU profiles, on/off…');
      results.profile = await profile(s, join(ROOT, 'bench/profiles', s.smoke ? 'smoke' : 'latest'), log);
    }
    if (has('saturated')) {
      log('saturated throughput (on/sampled/off)…');
      results.rounds = await overhead(collector, s, log);
      results.ratios = ratios(results.rounds);
    }
    if (has('delivery')) {
      log('span delivery…');
      results.delivery = await delivery(collector, s, log);
    }
    if (has('latency')) {
      log('export latency…');
      results.exportLatencyMillis = await exportLatency(decoding, s.exportLatencySamples);
      results.devReadyMillis = s.smoke ? undefined : await devReadyMillis(ROOT, collector.endpoint);
    }
    if (has('micro')) {
      log('micro-benchmark…');
      results.micro = await micro(s.microTimeMillis);
    }
    if (has('jaeger-capacity')) {
      log('Jaeger ingest capacity at one CPU…');
      results.jaegerCapacity = await jaegerCapacity(s.smoke, log);
    }
    const full: Results = { ...results, loadAverage: loadAverage.stop() };
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(full, null, 2)}\n`);
    const report = markdown(full);
    writeFileSync(join(outDir, `${name}.md`), `${report}\n`);
    process.stdout.write(`${report}\n`);
  } finally {
    loadAverage.stop();
    await collector.stop();
    await decoding.stop();
  }
}

let finished = false;
// Node exits with code 0 when nothing is left to wake a pending await: that must not pass for a finished run.
process.on('beforeExit', () => {
  if (finished) return;
  process.stderr.write('bench: the event loop emptied before the run finished (an await that nothing will wake); no report written\n');
  process.exitCode = 1;
  finished = true;
});
main()
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => (finished = true));
