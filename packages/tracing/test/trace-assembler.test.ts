import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { TraceAssembler, type AssembledTrace } from '../src/testing/trace-assembler';
import type { PlainSpan } from '../src/testing/types';

function span(traceId: string, spanId: string, parentSpanId?: string): PlainSpan {
  return {
    traceId, spanId, parentSpanId, name: spanId, kind: SpanKind.INTERNAL, startMs: 0, endMs: 1, durationMs: 1,
    attributes: {}, events: [], status: { code: 0 }, scope: 'test', resource: {}, service: 'svc',
  };
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a trace is handed on once it has one root and stayed quiet; a late span hands on the whole trace again', async () => {
  const out: AssembledTrace[] = [];
  const assembler = new TraceAssembler((t) => out.push(t), 50);
  assembler.add([span('t1', 'child', 'root')]); // the downstream service exported first
  await wait(20);
  assembler.add([span('t1', 'root')]);
  await wait(120);
  assert.deepEqual(out.map((t) => [t.traceId, t.spans.length, t.complete, t.update]), [['t1', 2, true, false]]);
  assembler.add([span('t1', 'late', 'root')]);
  await wait(120);
  assert.deepEqual(out.map((t) => [t.spans.length, t.update]), [[2, false], [3, true]]);
});

test('a trace missing a parent waits, and flush() hands it on marked incomplete', async () => {
  const out: AssembledTrace[] = [];
  const assembler = new TraceAssembler((t) => out.push(t), 20);
  assembler.add([span('t2', 'root'), span('t2', 'orphan', 'missing')]);
  await wait(80);
  assert.equal(out.length, 0);
  assembler.flush();
  assert.deepEqual(out.map((t) => [t.traceId, t.complete]), [['t2', false]]);
});
