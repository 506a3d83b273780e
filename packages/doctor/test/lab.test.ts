import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyse, readOtlp, textReport, type Analysis, type FindingKind } from '../src/index';
import { healthyTraffic, SCENARIOS, spansOf, startLab, type Lab } from './support/lab';
import { describeMargins, margins } from './support/margins';
import { toOtlpJson } from './support/otlp-json';

/** The finding each scenario of docs/scenarios.md must rank first. */
const EXPECTED: Record<string, FindingKind> = {
  'slow-query': 'slow-query',
  'n-plus-one': 'n-plus-one',
  'lock-contention': 'lock-wait',
  'sequential-fanout': 'sequential-calls',
  'pool-exhaustion': 'pool-wait',
  'downstream-errors': 'error-origin',
  'timeout-retry': 'retries',
  exception: 'exception',
};

/**
 * The lab's spans as OTLP JSON text and back, through the reader the CLI uses; kept as
 * `$DOCTOR_LAB_OUT/<name>.json` when that is set, to run `tracelab-doctor --file` on later.
 */
const throughOtlpJson = (name: string, spans: Parameters<typeof toOtlpJson>[0]) => {
  const text = JSON.stringify(toOtlpJson(spans));
  if (process.env.DOCTOR_LAB_OUT) {
    mkdirSync(process.env.DOCTOR_LAB_OUT, { recursive: true });
    writeFileSync(join(process.env.DOCTOR_LAB_OUT, `${name}.json`), text);
  }
  return readOtlp(JSON.parse(text), name);
};

const summary = (a: Analysis) => a.findings.map((f) => `${f.kind} ${f.costMs} ms ×${f.count} at ${f.where}`).join('\n  ') || 'none';

/**
 * The doctor on traces made by TraceLab's real services (three NestJS services, real PostgreSQL,
 * OTLP gRPC to a fake collector): healthy traffic gives no finding, each scenario its own finding
 * first. Each margin (how close the strongest candidate of every kind came) is printed, so a
 * threshold that gets thin shows before it fails.
 */
describe('the doctor on the lab: healthy traffic and the eight scenarios', () => {
  let lab: Lab;
  const printed: string[] = [];
  before(async () => {
    lab = await startLab();
    await healthyTraffic(lab, 20); // warm-up: query plans, connections, JIT
  });
  after(async () => {
    console.log(printed.join('\n'));
    await lab?.stop();
  });

  test('healthy traffic, 240 requests 4 at a time: no finding of any kind', async () => {
    lab.collector.clear();
    const ids = await healthyTraffic(lab, 240);
    assert.ok(ids.length >= 200);
    const spans = throughOtlpJson('healthy', await spansOf(lab, ids));
    const analysis = analyse(spans);
    assert.equal(analysis.traces, ids.length, 'every request is one trace');
    printed.push(`healthy: ${analysis.traces} traces, ${analysis.spans} spans; closest to a threshold: ${describeMargins(margins(spans))}`);
    assert.deepEqual(analysis.findings, [], `healthy traffic gave findings:\n  ${summary(analysis)}`);
  });

  for (const [scenario, kind] of Object.entries(EXPECTED)) {
    test(`${scenario}: ${kind} ranks first`, async () => {
      lab.collector.clear();
      const ids = await SCENARIOS[scenario](lab);
      const spans = throughOtlpJson(scenario, await spansOf(lab, ids));
      const analysis = analyse(spans);
      printed.push(`\n--- ${scenario} (${ids.length} trace(s))\n${textReport(analysis, { limit: 1 })}`);
      assert.ok(analysis.findings.length > 0, `${scenario}: no findings`);
      assert.equal(analysis.findings[0].kind, kind, `${scenario}: findings\n  ${summary(analysis)}`);
      const first = analysis.findings[0];
      assert.ok(first.traceIds.every((t) => ids.includes(t)), 'its evidence is in the scenario\'s traces');
      assert.ok(first.spanIds.length > 0 && first.costMs > 0);
      if (scenario === 'pool-exhaustion') {
        // Checkout spans are the first evidence; without them, the queue of gaps before the first query.
        const without = analyse(spans.filter((s) => s.name !== 'pg-pool.connect'));
        printed.push(`pool-exhaustion without pg-pool.connect spans:\n${textReport(without, { limit: 2 })}`);
        // Without checkout spans: requests waiting at once, each resumed as another's query ends, one
        // by one (a stalled process resumes them together; test/waits.test.ts has both, exact).
        const fallback = without.findings.find((f) => f.kind === 'pool-wait');
        assert.ok(fallback, `pool-exhaustion without checkout spans: no pool-wait\n  ${summary(without)}`);
        assert.match(fallback.evidence.join(' '), /no checkout spans/);
        assert.ok(fallback.traceIds.every((t) => ids.includes(t)));
      }
    });
  }
});
