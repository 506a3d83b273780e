import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse, readOtlp, statementShape } from '../src/index';
import { assembleTraces } from '../src/trace';
import { otlp, type SpanSpec } from './support/otlp-builder';

const spansOf = (list: SpanSpec[]) => readOtlp(otlp('svc', list), 'x');

describe('trace assembly: defects of the input are notes, never crashes', () => {
  test('missing parents: the trace is partial, analysed, and says so', () => {
    const a = analyse(spansOf([{ id: '2', parent: '99', name: 'orphan', kind: 1, start: 0, end: 10 }, { id: '3', parent: '2', name: 'child', kind: 1, start: 1, end: 5 }]));
    assert.equal(a.traces, 1);
    assert.deepEqual(a.notes, ['1 trace(s) partial: spans name a parent that is not in the input (analysed as they are)']);
  });

  test('parent cycles are broken, spans ending before they start read as zero-length', () => {
    const [t] = assembleTraces(
      spansOf([
        { id: '1', parent: '3', name: 'a', kind: 1, start: 0, end: 10 },
        { id: '2', parent: '1', name: 'b', kind: 1, start: 1, end: 9 },
        { id: '3', parent: '2', name: 'c', kind: 1, start: 2, end: 8 },
        { id: '4', parent: '3', name: 'd', kind: 1, start: 7, end: 3 },
      ]),
    );
    assert.ok(t.notes.some((n) => /parent cycles/.test(n)));
    assert.ok(t.notes.some((n) => /ending before they start/.test(n)));
    assert.equal(t.byId.get('0000000000000004')!.endUs, t.byId.get('0000000000000004')!.startUs);
    assert.ok(t.spans.some((s) => !s.parent), 'a root after the cut');
  });

  test('duplicate span ids keep the first copy', () => {
    const [t] = assembleTraces(spansOf([{ id: '1', name: 'a', kind: 1, start: 0, end: 10 }, { id: '1', name: 'a again', kind: 1, start: 0, end: 10 }]));
    assert.equal(t.spans.length, 1);
    assert.ok(t.notes.some((n) => /duplicate/.test(n)));
  });
});

describe('statement shapes: no parameter values', () => {
  test('literals, placeholders, IN lists and comments collapse', () => {
    assert.equal(statementShape("SELECT * FROM t WHERE a = 'x''y' AND b = 42 AND c IN (1, 2, 3) /* traceparent='00-ab' */"), 'SELECT * FROM t WHERE a = ? AND b = ? AND c IN (?)');
    assert.equal(statementShape('select * from t where id = $1 and k = :name'), 'select * from t where id = ? and k = ?');
    assert.equal(statementShape('SELECT a\n   FROM   t'), 'SELECT a FROM t');
  });
});
