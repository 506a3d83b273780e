import { cpus } from 'node:os';
import type { CpuRow } from './cpu';
import type { DeliveryStep } from './delivery';
import { highestLossless } from './delivery';
import type { InstrumentationRow } from './instrumentations';
import type { HooksRow } from './http-hooks';
import type { LeverRow, SplitRow } from './levers';
import type { MicroResult } from './micro';
import { capacityMarkdown, type JaegerCapacity } from './jaeger-capacity';
import type { Ratio, Round } from './overhead';
import type { ProfileRow } from './profile';
import { cpuSection, instrumentationSection, leverSection, profileSection, splitSection } from './report-cpu';
import type { Settings } from './settings';
import type { SteadyRun } from './steady';

/** Everything one run measured; parts left out by --only are absent. */
export interface Results {
  date: string;
  settings: Settings;
  /** 1-minute load average over the run: the machine is shared, so this says how much. */
  loadAverage: { min: number; mean: number; max: number };
  cpu?: { rows: CpuRow[]; run: SteadyRun };
  levers?: LeverRow[];
  /** `--only hooks`: the HTTP instrumentation alone, µs of CPU per request. */
  httpHooks?: HooksRow[];
  /** `--only http`: round 1's default, today's, off. */
  httpLever?: LeverRow[];
  split?: SplitRow[];
  instrumentations?: { rows: InstrumentationRow[]; headline: CpuRow[] };
  profile?: { rows: ProfileRow[]; dir: string };
  rounds?: Round[];
  ratios?: Ratio[];
  delivery?: DeliveryStep[];
  exportLatencyMillis?: number[];
  devReadyMillis?: number;
  micro?: MicroResult[];
  jaegerCapacity?: JaegerCapacity;
}

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function machine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
}

/** The Markdown report: stdout, results file and README all show this. */
export function markdown(r: Results): string {
  const s = r.settings;
  const out: string[] = [];
  const l = r.loadAverage;
  out.push(`Measured ${r.date} on ${machine()}${s.smoke ? ' — SMOKE RUN (seconds, not meaningful)' : ''}.`);
  out.push(`Shared machine: 1-minute load average ${f1(l.min)}–${f1(l.max)} (mean ${f1(l.mean)}) on ${cpus().length} cores during the run; other jobs' CPU use moves every number here.`);
  if (r.cpu) out.push('', ...cpuSection(r.cpu.rows, s));
  if (r.levers) out.push('', ...leverSection(r.levers, s));
  if (r.httpHooks) {
    out.push('', `**The HTTP instrumentation alone** (\`--only hooks\`): one process, two servers and a \`fetch\` between them, \`always_off\` sampler, ${s.cpuRounds} rounds in turn; CPU µs per request, median (min–max); saves = upstream − diagnostics channel, round by round:`, '');
    out.push('| method | upstream instrumentation-http | diagnostics channel | off | saves |', '| --- | ---: | ---: | ---: | ---: |');
    const us = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(0)} (${x.min.toFixed(0)}–${x.max.toFixed(0)})`;
    for (const h of r.httpHooks) out.push(`| ${h.method} | ${us(h.micros.upstream)} | ${us(h.micros['diagnostics channel'])} | ${us(h.micros.off)} | ${us(h.saves)} |`);
    out.push('', 'Context churn per request (AsyncLocalStorage `run` calls / `enterWith` calls; a `run` that changes the context makes two `enterWith`, one that does not makes none):', '');
    for (const h of r.httpHooks) out.push(`- ${h.method}: ${Object.entries(h.churn).map(([k, c]) => `${k} ${c.runs.toFixed(1)} / ${c.enterWiths.toFixed(1)}`).join(', ')}`);
  }
  if (r.httpLever) out.push('', `**Lever 1 alone** (\`--only http\`: three stacks, ${s.cpuRounds} rounds), in the lever table's form:`, '', ...leverSection(r.httpLever, s));
  if (r.split) out.push('', ...splitSection(r.split, s));
  if (r.instrumentations) out.push('', ...instrumentationSection(r.instrumentations.rows, s));
  if (r.profile) out.push('', ...profileSection(r.profile.rows, r.profile.dir));
  if (r.rounds && r.ratios) out.push('', ...saturated(r.rounds, r.ratios, s));
  if (r.delivery) out.push('', ...delivery(r.delivery, s));
  if (r.rounds) out.push('', ...footprint(r.rounds));
  if (r.exportLatencyMillis) out.push('', `From a response to its spans at the collector (default 5 s batch delay): ${r.exportLatencyMillis.map((x) => `${f0(x)} ms`).join(', ')}.`);
  if (r.exportLatencyMillis) out.push(r.devReadyMillis === undefined ? '`npm run dev` to all services ready: not measured in smoke mode.' : `\`npm run dev\` (build cached) to all services ready: ${f1(r.devReadyMillis / 1000)} s.`);
  if (r.micro) out.push('', ...micro(r.micro));
  if (r.jaegerCapacity) out.push('', ...capacityMarkdown(r.jaegerCapacity));
  return out.join('\n');
}

/** Secondary: closed-loop throughput, where the services, load driver and receiver all compete for the cores. */
function saturated(rounds: Round[], ratios: Ratio[], s: Settings): string[] {
  const r = { rounds, ratios };
  const out: string[] = [];
  out.push(`**Saturated throughput** (secondary: a closed loop, so the services share the cores with the load driver and the receiver, and the figure moves with the machine's other load), full chain gateway → orders → inventory → PostgreSQL, ${s.connections} connections, ${s.measureSeconds} s per run after ${s.warmupSeconds} s warm-up, ${s.pairs} rounds of on/sampled/off (on = 100% sampled, exported over OTLP gRPC; sampled = 10%, parent-based; off = \`OTEL_SDK_DISABLED=true\`); values per round:`);
  out.push('');
  out.push('| endpoint | tracing | req/s | p50 ms | p99 ms |');
  out.push('| --- | --- | ---: | ---: | ---: |');
  for (const endpoint of Object.keys(r.rounds[0].results)) {
    for (const mode of ['on', 'sampled', 'off'] as const) {
      const runs = r.rounds.filter((x) => x.mode === mode).map((x) => x.results[endpoint]);
      out.push(`| ${endpoint} | ${mode === 'sampled' ? '10%' : mode} | ${runs.map((x) => f0(x.rps)).join(' / ')} | ${runs.map((x) => x.p50).join(' / ')} | ${runs.map((x) => x.p99).join(' / ')} |`);
    }
  }
  out.push('');
  out.push('| endpoint | sampling | throughput vs off | p50 vs off | p99 vs off |');
  out.push('| --- | --- | ---: | ---: | ---: |');
  for (const mode of ['on', 'sampled'] as const) {
    for (const endpoint of [...new Set(r.ratios.map((x) => x.endpoint))]) {
      const cell = (metric: Ratio['metric']) => {
        const x = r.ratios.find((y) => y.endpoint === endpoint && y.mode === mode && y.metric === metric)!;
        return `${pct(x.mean)} (${pct(x.min)}–${pct(x.max)})`;
      };
      out.push(`| ${endpoint} | ${mode === 'on' ? '100%' : '10%'} | ${cell('throughput')} | ${cell('p50')} | ${cell('p99')} |`);
    }
  }
  const on = r.rounds.filter((x) => x.mode === 'on');
  out.push('');
  out.push(`Spans per request (tracing on, both endpoints): ${f1(avg(on.map((x) => x.spansReceived / x.requests)))}; spans lost in the overhead runs: ${on.reduce((n, x) => n + x.spans.ended - x.spans.exported, 0)}.`);
  return out;
}

function delivery(steps: DeliveryStep[], s: Settings): string[] {
  const r = { delivery: steps };
  const out: string[] = [];
  out.push('**Span delivery**, steady GET /api/products with the SDK default batch settings (queue 2048, batch 512, delay 5 s):');
  out.push('');
  out.push('| target req/s | achieved req/s | spans ended | exported | failed | dropped | received by collector |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const d of r.delivery) out.push(`| ${d.targetRate} | ${f0(d.achievedRate)} | ${d.ended} | ${d.exported} | ${d.failed} | ${d.dropped} | ${d.received} |`);
  const best = highestLossless(r.delivery);
  out.push('');
  out.push(best ? `Highest rate sustained with zero lost spans: ${best.targetRate} req/s (${best.ended} spans in ${s.deliverySeconds} s).` : 'No rate was sustained without losing spans.');
  return out;
}

function footprint(rounds: Round[]): string[] {
  const r = { rounds };
  const out: string[] = [];
  out.push('**Footprint** (RSS in MiB, idle → after load; mean over runs):');
  out.push('');
  out.push('| service | tracing on | 10% sampled | tracing off |');
  out.push('| --- | ---: | ---: | ---: |');
  for (const svc of Object.keys(r.rounds[0].rssIdle)) {
    const cell = (mode: string) => {
      const runs = r.rounds.filter((x) => x.mode === mode);
      return `${f0(avg(runs.map((x) => x.rssIdle[svc])))} → ${f0(avg(runs.map((x) => x.rssLoaded[svc])))}`;
    };
    out.push(`| ${svc} | ${cell('on')} | ${cell('sampled')} | ${cell('off')} |`);
  }
  return out;
}

function micro(results: MicroResult[]): string[] {
  const r = { micro: results };
  const out: string[] = [];
  out.push('**Tracing hot path** (tinybench; SDK span + batch processor, exporter discarding):');
  out.push('');
  out.push('| operation | ops/s | ± |');
  out.push('| --- | ---: | ---: |');
  for (const m of r.micro) out.push(`| ${m.name} | ${Math.round(m.opsPerSecond).toLocaleString('en-US')} | ${m.rme.toFixed(1)}% |`);
  return out;
}
