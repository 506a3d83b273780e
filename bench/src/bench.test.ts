import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// CI runs the whole harness for a few seconds: it must work end to end. The numbers are not checked.
test('npm run bench --smoke measures every part and writes the Markdown report', () => {
  const out = mkdtempSync(join(tmpdir(), 'tracelab-bench-'));
  try {
    // Sixteen stack starts (two at once for CPU per request, six for the levers, three for the split, three saturated runs, delivery, latency).
    const r = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'run.js'), '--smoke', '--levers', '--split', '--out', out], { encoding: 'utf8', timeout: 600_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(out, 'smoke.md')), `exit 0 but no report written; the run said:\n${r.stderr}`);
    const report = readFileSync(join(out, 'smoke.md'), 'utf8');
    assert.equal(r.stdout.trim(), report.trim(), 'stdout and the results file hold the same report');
    for (const part of ['**CPU per request**', '**Lever by lever**', '**What is left, split**', '**Saturated throughput**', '**Span delivery**', '**Footprint**', '**Tracing hot path**', 'SMOKE RUN', 'Shared machine: 1-minute load average']) {
      assert.ok(report.includes(part), part);
    }
    assert.match(report, /\| GET \/api\/products \(100 req\/s\) \| [\d.]+ \([\d.]+–[\d.]+\) ms \| [\d.]+ \([\d.]+–[\d.]+\) ms \| ×[\d.]+ /);
    assert.match(report, /\| POST \/api\/orders \| [\d.]+ \/ [\d.]+ \(\+-?[\d.]+\) \|/);
    assert.match(report, /\| diagnostics channel \| HTTP spans from Node's diagnostics channels: [^|]*\(today's default\) \| [\d.]+ \([\d.]+–[\d.]+\) \| ×[\d.]+ /);
    assert.match(report, /\| peer \| what a user would pick instead: @opentelemetry\/auto-instrumentations-node\/register[^|]*\| [\d.]+ \([\d.]+–[\d.]+\) \| ×[\d.]+ \([^)]*\); ÷ default ×[\d.]+ /);
    assert.match(report, /\| GET \/api\/products \| on \| \d+ \|/);
    assert.match(report, /\| POST \/api\/orders \| 100% \| [\d.]+% \(/);
    assert.match(report, /\| 20 \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \|/);
    assert.match(report, /\| span: start \+ 3 attributes \+ 1 event \+ end \| [\d,]+ \|/);
    assert.ok(!/NaN|undefined|Infinity/.test(report), report);
    const results = JSON.parse(readFileSync(join(out, 'smoke.json'), 'utf8'));
    // Round 2's levers keep every span (the HTTP parity test holds them to it); the peer, stock
    // auto-instrumentation, records more; off records none.
    for (const endpoint of ['GET /api/products', 'POST /api/orders']) {
      const spans = (results.levers as Array<{ endpoint: string; config: string; spansPerRequest: number }>).filter((x) => x.endpoint === endpoint).map((x) => x.spansPerRequest);
      assert.equal(spans.length, 6);
      assert.ok(spans.slice(0, 4).every((n) => n > 0) && spans[4] > spans[1] && spans[5] === 0, `${endpoint}: ${spans.join(', ')}`);
    }
    assert.equal(results.rounds.length, 3, 'one round of on, sampled, off');
    assert.ok(results.rounds.every((x: { mode: string; spans: { ended: number } }) => (x.mode !== 'off' ? x.spans.ended > 0 : x.spans.ended === 0)));
    // The CPU part: one window per configuration and endpoint, CPU counted, spans only where tracing is on.
    const windows: Array<{ config: string; requests: number; spans: number; cpuMillis: Record<string, number> }> = results.cpu.run.windows;
    assert.equal(windows.length, 4);
    for (const w of windows) {
      assert.ok(w.requests > 0, 'requests answered');
      assert.deepEqual(Object.keys(w.cpuMillis).sort(), ['gateway', 'inventory', 'orders']);
      assert.ok(Object.values(w.cpuMillis).reduce((a, b) => a + b, 0) > 0, 'CPU time counted');
      assert.ok(w.config === 'on' ? w.spans > 0 : w.spans === 0, `${w.config}: ${w.spans} spans`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
