import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leverRows, LEVERS, PEER, splitRows } from './levers';
import type { Window } from './steady';

const w = (round: number, config: string, msPerRequest: number, spansPerRequest: number): Window => ({
  round, config, endpoint: 'GET /x', rate: 100, requests: 100, achievedRate: 100, non2xx: 0, errors: 0,
  cpuMillis: { gateway: msPerRequest * 100 }, mainThreadMillis: {}, spans: spansPerRequest * 100, fromMicros: 0, toMicros: 0,
});

test('leverRows: each row saves against the row above, round by round; ratio and µs per span against off', () => {
  // Per round: before 3.0, then each lever 0.2 ms cheaper with one span fewer; off 1.0 (round 2: all +1 ms).
  const windows = [1, 2].flatMap((round) => [
    ...LEVERS.map((c, i) => w(round, c.name, 3 - 0.2 * i + (round - 1), 9 - i)),
    w(round, PEER.name, 4 + (round - 1), 12),
    w(round, 'off', 1 + (round - 1), 0),
  ]);
  const rows = leverRows(windows);
  assert.deepEqual(rows.map((r) => r.config), [...LEVERS.map((c) => c.name), PEER.name, 'off']);
  assert.equal(rows[0].saves, undefined, 'the first row has nothing above it');
  // Against the row above, or the row a try names (`against`): 0.2 ms per row between them.
  LEVERS.slice(1).forEach((lever, i) => {
    const r = rows[i + 1];
    const expected = lever.against ? 0.2 * (i + 1 - LEVERS.findIndex((l) => l.name === lever.against)) : 0.2;
    assert.ok(Math.abs(r.saves!.median - expected) < 1e-9 && Math.abs(r.saves!.min - expected) < 1e-9, `${r.config}: ${JSON.stringify(r.saves)}`);
  });
  assert.deepEqual(rows[0].ratio, { median: (3 + 2) / 2, min: 2, max: 3 }); // 3.0 ÷ 1.0 and 4.0 ÷ 2.0
  assert.equal(rows[0].microsPerSpan!.median, 2000 / 9); // (3.0 − 1.0) ms over 9 spans, both rounds
  const peer = rows.at(-2)!;
  assert.equal(peer.saves, undefined, 'the peer is no lever: nothing saved against the row above');
  // Peer 4.0 (round 2: 5.0) against today's default, the second lever row: 2.8 (3.8).
  assert.ok(Math.abs(peer.versusDefault!.min - 5 / 3.8) < 1e-9 && Math.abs(peer.versusDefault!.max - 4 / 2.8) < 1e-9, JSON.stringify(peer.versusDefault));
  assert.equal(rows.at(-1)!.saves, undefined, 'off saves nothing: it is the baseline');
  assert.equal(rows.at(-1)!.microsPerSpan, undefined);
});

test('splitRows: instrumenting = always_off − off, recording = on − always_off, round by round', () => {
  const windows = [1, 2].flatMap((round) => [w(round, 'on', 2 + round, 4), w(round, 'always_off', 1.5 + round, 0), w(round, 'off', 1 + round, 0)]);
  const [row] = splitRows(windows);
  assert.deepEqual(row.hooks, { median: 0.5, min: 0.5, max: 0.5 });
  assert.deepEqual(row.recording, { median: 0.5, min: 0.5, max: 0.5 });
  assert.deepEqual(row.on, { median: 3.5, min: 3, max: 4 });
  assert.equal(row.spansPerRequest, 4);
});
