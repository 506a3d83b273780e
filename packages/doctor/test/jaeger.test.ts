import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { goRetries, pythonRequestsLoop } from './support/foreign';
import { jaegerSkipReason, startJaeger, type RunningJaeger } from './support/jaeger';

const BIN = join(__dirname, '../src/bin/tracelab-doctor.js');
const doctor = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

/**
 * The API v3 client against a real Jaeger v2: traces sent to its OTLP/HTTP receiver as JSON, then
 * read back by search (`query.service_name` and the window) and by id, as `--jaeger` does.
 */
function suite() {
  let jaeger: RunningJaeger;
  const t0 = Date.now() - 60_000;
  before(async () => {
    jaeger = await startJaeger();
    for (const doc of [pythonRequestsLoop(), goRetries()]) {
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
        // Recent times, so that the search window holds them.
        const shift = BigInt(t0) * 1_000_000n - 1_760_000_000_000_000_000n;
        s.startTimeUnixNano = (BigInt(s.startTimeUnixNano as string) + shift).toString();
        s.endTimeUnixNano = (BigInt(s.endTimeUnixNano as string) + shift).toString();
      }
      const res = await fetch(`${jaeger.urls.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      assert.equal(res.status, 200, await res.text());
    }
  });
  after(() => jaeger?.stop());

  test('--jaeger --service --since: the search finds the service\'s trace and its finding, with a UI link', async () => {
    let r = doctor('--jaeger', jaeger.urls.ui, '--service', 'report-api', '--since', '10m');
    for (let i = 0; i < 20 && !/sequential-calls/.test(r.stdout); i++) {
      await new Promise((ok) => setTimeout(ok, 500)); // Jaeger indexes what it received asynchronously
      r = doctor('--jaeger', jaeger.urls.ui, '--service', 'report-api', '--since', '10m');
    }
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 trace\(s\), 6 span\(s\)/);
    assert.match(r.stdout, /1\. sequential-calls {2}160 ms/);
    assert.match(r.stdout, new RegExp(`trace: ${jaeger.urls.ui}/trace/00000000000000000000000000000b0b`));
  });

  test('--trace: one trace by id; a window with nothing in it is no error', () => {
    const r = doctor('--jaeger', jaeger.urls.ui, '--trace', '00000000000000000000000000c0ffee', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { findings: Array<{ kind: string }> }).findings.map((f) => f.kind), ['retries']);
    const empty = doctor('--jaeger', jaeger.urls.ui, '--service', 'report-api', '--start', '2020-01-01T00:00:00Z', '--end', '2020-01-01T01:00:00Z');
    assert.equal(empty.status, 0, empty.stderr);
    assert.match(empty.stdout, /0 trace\(s\), 0 span\(s\).*no findings/);
    const unknown = doctor('--jaeger', jaeger.urls.ui, '--trace', '0000000000000000000000000000dead');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /has no trace 0000000000000000000000000000dead/);
  });
}

if (jaegerSkipReason) test('the doctor against a real Jaeger', { skip: jaegerSkipReason }, () => {});
else describe('the doctor against a real Jaeger v2 (API v3)', suite);
