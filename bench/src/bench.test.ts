import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// CI runs the whole harness for a few seconds: it must work end to end. The numbers are not checked.
test('npm run bench --smoke measures every part and writes the Markdown report', () => {
  const out = mkdtempSync(join(tmpdir(), 'tracelab-bench-'));
  try {
    const r = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'run.js'), '--smoke', '--out', out], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = readFileSync(join(out, 'smoke.md'), 'utf8');
    assert.equal(r.stdout.trim(), report.trim(), 'stdout and the results file hold the same report');
    for (const part of ['**Tracing overhead**', '**Span delivery**', '**Footprint**', '**Tracing hot path**', 'SMOKE RUN']) assert.ok(report.includes(part), part);
    assert.match(report, /\| GET \/api\/products \| on \| \d+ \|/);
    assert.match(report, /\| POST \/api\/orders \| 100% \| [\d.]+% \(/);
    assert.match(report, /\| 20 \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \|/);
    assert.match(report, /\| span: start \+ 3 attributes \+ 1 event \+ end \| [\d,]+ \|/);
    assert.ok(!/NaN|undefined/.test(report), report);
    const results = JSON.parse(readFileSync(join(out, 'smoke.json'), 'utf8'));
    assert.equal(results.rounds.length, 3, 'one round of on, sampled, off');
    assert.ok(results.rounds.every((x: { mode: string; spans: { ended: number } }) => (x.mode !== 'off' ? x.spans.ended > 0 : x.spans.ended === 0)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
