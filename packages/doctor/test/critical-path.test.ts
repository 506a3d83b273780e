import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { criticalPath, readOtlp } from '../src/index';
import { assembleTraces } from '../src/trace';
import { otlp, type SpanSpec } from './support/otlp-builder';

const traceOf = (spans: SpanSpec[]) => assembleTraces(readOtlp(otlp('svc', spans), 'x'))[0];
/** Sections as "span:start-end" in ms from the trace's start. */
const sections = (spans: SpanSpec[]) => {
  const t = traceOf(spans);
  const t0 = t.root.startUs;
  return criticalPath(t).map((s) => `${t.byId.get(s.spanId)!.name}:${(s.startUs - t0) / 1000}-${(s.endUs - t0) / 1000}`);
};

describe('critical path, as Jaeger UI v1.75.0 computes it', () => {
  test('sequential children: each child and the parent\'s own time between them, latest first', () => {
    assert.deepEqual(
      sections([
        { id: '1', name: 'A', kind: 2, start: 0, end: 100 },
        { id: '2', parent: '1', name: 'B', kind: 3, start: 10, end: 40 },
        { id: '3', parent: '1', name: 'C', kind: 3, start: 50, end: 90 },
      ]),
      ['A:90-100', 'C:50-90', 'A:40-50', 'B:10-40', 'A:0-10'],
    );
  });

  test('overlapping children: the last-finishing child, then the one that finished before it started', () => {
    // B overlaps C's start, so only C is on the path until C starts; before that B ended at 60 > 50: skipped; D ends at 20.
    assert.deepEqual(
      sections([
        { id: '1', name: 'A', kind: 2, start: 0, end: 100 },
        { id: '2', parent: '1', name: 'B', kind: 3, start: 30, end: 60 },
        { id: '3', parent: '1', name: 'C', kind: 3, start: 50, end: 90 },
        { id: '4', parent: '1', name: 'D', kind: 3, start: 5, end: 20 },
      ]),
      ['A:90-100', 'C:50-90', 'A:20-50', 'D:5-20', 'A:0-5'],
    );
  });

  test('a child that outlives its parent (clock skew) is trimmed to the parent\'s end; one wholly outside is dropped', () => {
    assert.deepEqual(
      sections([
        { id: '1', name: 'A', kind: 2, start: 0, end: 100 },
        { id: '2', parent: '1', name: 'B', kind: 3, start: 60, end: 130 },
        { id: '3', parent: '1', name: 'C', kind: 3, start: 110, end: 120 },
      ]),
      ['B:60-100', 'A:0-60'],
    );
  });

  test('nested: the path goes down into the grandchild', () => {
    assert.deepEqual(
      sections([
        { id: '1', name: 'A', kind: 2, start: 0, end: 100 },
        { id: '2', parent: '1', name: 'B', kind: 3, start: 10, end: 90 },
        { id: '3', parent: '2', name: 'C', kind: 2, start: 20, end: 80 },
      ]),
      ['A:90-100', 'B:80-90', 'C:20-80', 'B:10-20', 'A:0-10'],
    );
  });

  test('a chain 100 000 spans deep: no stack overflow, the whole root on the path', () => {
    const spans: SpanSpec[] = Array.from({ length: 100_000 }, (_, i) => ({ id: (i + 1).toString(16), parent: i ? i.toString(16) : undefined, name: `s${i}`, kind: 1, start: i * 0.001, end: 1000 - i * 0.001 }));
    const t = traceOf(spans);
    const started = performance.now();
    criticalPath(t);
    assert.ok(performance.now() - started < 5000);
    assert.equal(t.criticalPathUs, 1_000_000);
  });
});
