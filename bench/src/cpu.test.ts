import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuRows, stat } from './cpu';
import type { Window } from './steady';

test('stat: median of odd and even counts, with the spread', () => {
  assert.deepEqual(stat([3, 1, 2]), { median: 2, min: 1, max: 3 });
  assert.deepEqual(stat([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
});

test('cpuRows: CPU per request, on ÷ off and µs per span paired round by round', () => {
  const w = (round: number, config: string, total: number, spans: number): Window => ({
    round, config, endpoint: 'GET /x', rate: 100, requests: 1000, achievedRate: 100, non2xx: round === 1 ? 1 : 0, errors: 0,
    cpuMillis: { gateway: total / 2, inventory: total / 2 }, mainThreadMillis: {}, spans, fromMicros: 0, toMicros: 0,
  });
  // Round 1: 2.0 vs 1.5 ms per request, 10 spans per request → 50 µs per span. Round 2: 3.0 vs 2.0, 10 → 100 µs.
  const [row] = cpuRows([w(1, 'on', 2000, 10_000), w(1, 'off', 1500, 0), w(2, 'on', 3000, 10_000), w(2, 'off', 2000, 0)], 'on', 'off');
  assert.deepEqual(row.on, { median: 2.5, min: 2, max: 3 });
  assert.deepEqual(row.ratio, { median: (2 / 1.5 + 1.5) / 2, min: 2 / 1.5, max: 1.5 });
  assert.deepEqual(row.microsPerSpan, { median: 75, min: 50, max: 100 });
  assert.equal(row.spansPerRequest.median, 10);
  assert.deepEqual([row.non2xx, row.requests], [2, 4000]);
  assert.deepEqual(row.services.gateway, { on: 1.25, off: 0.875 });
});
