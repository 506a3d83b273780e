import type { CpuRow, Stat } from './cpu';
import type { InstrumentationRow } from './instrumentations';
import type { LeverRow, SplitRow } from './levers';
import { isTracing } from './cpuprofile';
import type { ProfileRow } from './profile';
import type { Settings } from './settings';

const ms = (n: number) => n.toFixed(2);
const spread = (x: Stat, f: (n: number) => string) => `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
const times = (n: number) => `×${n.toFixed(2)}`;

/** The headline: CPU per request on and off, per span, per service. */
export function cpuSection(rows: CpuRow[], s: Settings): string[] {
  const out: string[] = [];
  out.push(
    `**CPU per request** at fixed rates below saturation: user + system CPU time of the three service processes (from /proc) ÷ requests sent. Tracing on (100% sampled, exported over OTLP gRPC to a counting receiver) and off (\`OTEL_SDK_DISABLED=true\`) run as two stacks at once, loaded in turn, ${s.cpuWindowSeconds} s per window, ${s.cpuRounds} rounds; median (min–max) over the rounds:`,
  );
  out.push('');
  out.push('| endpoint (rate) | CPU per request, on | off | on ÷ off | spans per request | CPU per exported span | req/s answered, on / off |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    out.push(
      `| ${r.endpoint} (${r.rate} req/s) | ${spread(r.on, ms)} ms | ${spread(r.off, ms)} ms | ${spread(r.ratio, times)} | ${r.spansPerRequest.median.toFixed(1)} | ${spread(r.microsPerSpan, (n) => n.toFixed(0))} µs | ${r.achieved.on.median.toFixed(0)} / ${r.achieved.off.median.toFixed(0)} |`,
    );
  }
  out.push('');
  out.push(
    `CPU per exported span = (on − off) ÷ spans the receiver got per request, round by round. Answers other than 2xx (or errors): ${rows.map((r) => `${r.endpoint} ${r.non2xx} of ${r.requests}`).join(', ')}. Per service (median ms per request, on / off):`,
  );
  out.push('');
  const services = Object.keys(rows[0].services);
  out.push(`| endpoint | ${services.join(' | ')} |`);
  out.push(`| --- |${services.map(() => ' ---: |').join('')}`);
  for (const r of rows) out.push(`| ${r.endpoint} | ${services.map((svc) => `${ms(r.services[svc].on)} / ${ms(r.services[svc].off)} (+${ms(r.services[svc].on - r.services[svc].off)})`).join(' | ')} |`);
  return out;
}

/** Before, one lever more per row, after, off. */
export function leverSection(rows: LeverRow[], s: Settings): string[] {
  const out: string[] = [];
  out.push(
    `**Lever by lever** (\`--levers\`): round 1's default, then one lever more per row, the peer (stock auto-instrumentations-node), and off; all stacks alive at once and loaded in turn at the rates above, ${s.cpuWindowSeconds} s per window, ${s.leverRounds} rounds; median (min–max). "Saves" is the row above − this row, round by round; the peer's ÷ off column is followed by peer ÷ today's default, round by round. RSS: the three services together as each load window ends.`,
  );
  for (const endpoint of [...new Set(rows.map((r) => r.endpoint))]) {
    out.push('');
    out.push(`| ${endpoint} | lever | CPU ms per request | ÷ off | spans per request | saves ms per request | CPU per span | RSS MiB |`);
    out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows.filter((x) => x.endpoint === endpoint)) {
      out.push(
        `| ${r.config} | ${r.lever} | ${spread(r.cpu, ms)} | ${spread(r.ratio, times)}${r.versusDefault ? `; ÷ default ${spread(r.versusDefault, times)}` : ''} | ${r.spansPerRequest.toFixed(1)} | ${r.saves ? spread(r.saves, ms) : ''} | ${r.microsPerSpan ? `${spread(r.microsPerSpan, (n) => n.toFixed(0))} µs` : ''} | ${r.rssMiB?.median ? r.rssMiB.median.toFixed(0) : ''} |`,
      );
    }
  }
  return out;
}

/** on / always_off / off: instrumenting versus recording and exporting. */
export function splitSection(rows: SplitRow[], s: Settings): string[] {
  const out: string[] = [];
  out.push(
    `**What is left, split** (\`--split\`): today's default at 100% sampling, the same with \`OTEL_TRACES_SAMPLER=always_off\` (every instrumentation hook and context switch still runs; no span is recorded or exported), and off; three stacks loaded in turn at the rates above, ${s.cpuWindowSeconds} s per window, ${s.leverRounds} rounds; ms of CPU per request, median (min–max), differences round by round:`,
  );
  out.push('');
  out.push('| endpoint | on | always_off | off | instrumenting (always_off − off) | recording + exporting (on − always_off) | spans per request |');
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    out.push(
      `| ${r.endpoint} | ${spread(r.on, ms)} | ${spread(r.alwaysOff, ms)} | ${spread(r.off, ms)} | ${spread(r.hooks, ms)} | ${spread(r.recording, ms)} | ${r.spansPerRequest.toFixed(1)} |`,
    );
  }
  return out;
}

/** Each instrumentation left out in turn. */
export function instrumentationSection(rows: InstrumentationRow[], s: Settings): string[] {
  const out: string[] = [];
  out.push(
    `**Each instrumentation left out** (\`OTEL_NODE_DISABLED_INSTRUMENTATIONS=<name>\`), all stacks alive at once and loaded in turn at the rates above, ${s.cpuWindowSeconds} s per window, ${s.attributionRounds} rounds; "saves" is on − this configuration, round by round, median (min–max):`,
  );
  for (const endpoint of [...new Set(rows.map((r) => r.endpoint))]) {
    const of = rows.filter((r) => r.endpoint === endpoint);
    const on = of.find((r) => r.config === 'on')!;
    const off = of.find((r) => r.config === 'off')!;
    out.push('');
    out.push(`| ${endpoint} | CPU ms per request | spans per request | saves ms per request | share of on − off |`);
    out.push('| --- | ---: | ---: | ---: | ---: |');
    for (const r of of) {
      const saves = r.config === 'on' ? '' : spread(r.saves, ms);
      const share = r.config === 'on' || r.config === 'off' ? '' : `${((r.saves.median / (on.cpu - off.cpu)) * 100).toFixed(0)}%`;
      out.push(`| ${r.config} | ${ms(r.cpu)} | ${r.spansPerRequest.toFixed(1)} | ${saves} | ${share} |`);
    }
  }
  return out;
}

/** CPU profiles, on − off by category. */
export function profileSection(rows: ProfileRow[], dir: string): string[] {
  const out: string[] = [];
  out.push(
    `**Where the difference goes** (CPU profiles, \`--cpu-prof\`, of every service, on and off under the same windows; samples outside the measured windows left out). Each category's share of the main thread's samples × the main thread's CPU from /proc, plus the other threads' CPU; µs per request, three services together. Node internals count for the package that called them. Profiles: \`${dir}\` (open in Chrome DevTools or speedscope).`,
  );
  for (const endpoint of [...new Set(rows.map((r) => r.endpoint))]) {
    const of = rows.filter((r) => r.endpoint === endpoint).sort((a, b) => b.on - b.off - (a.on - a.off));
    const diff = of.reduce((n, r) => n + r.on - r.off, 0);
    const sum = (f: (r: ProfileRow) => number) => of.reduce((n, r) => n + f(r), 0);
    out.push('');
    out.push(`| ${endpoint} | on µs | off µs | on − off µs | share of on − off |`);
    out.push('| --- | ---: | ---: | ---: | ---: |');
    for (const r of of) {
      if (!isTracing(r.category) && Math.abs(r.on - r.off) < 0.005 * Math.abs(diff) && r.on < 0.01 * sum((x) => x.on)) continue;
      out.push(`| ${isTracing(r.category) ? `**${r.category}**` : r.category} | ${r.on.toFixed(0)} | ${r.off.toFixed(0)} | ${(r.on - r.off).toFixed(0)} | ${((100 * (r.on - r.off)) / diff).toFixed(0)}% |`);
    }
    out.push(`| total | ${sum((r) => r.on).toFixed(0)} | ${sum((r) => r.off).toFixed(0)} | ${diff.toFixed(0)} | 100% |`);
  }
  out.push('');
  out.push(
    'Bold: code that runs only with tracing on (its "off" column is the API\'s no-op calls). Other rows below 0.5% of the difference and 1% of the total are left out (the total counts them). The profiler\'s own cost is in both columns; compare the headline, not these totals, for on ÷ off.',
  );
  return out;
}
