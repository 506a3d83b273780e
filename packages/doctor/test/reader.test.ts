import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError, readFiles, readOtlp } from '../src/index';
import { otlp } from './support/otlp-builder';

const one = (options = {}) => otlp('svc', [{ id: 'a', name: 'GET /x', kind: 2, start: 0, end: 12.5, attrs: { 'http.request.method': 'GET', n: 3 } }], { traceId: 'feed', ...options });

describe('OTLP JSON reader', () => {
  test('API v3 answer, plain export request, and an array of both: the same span', () => {
    const plain = one();
    const forms = [{ result: plain }, plain, [plain]];
    const read = forms.map((f) => readOtlp(f, 'x'));
    for (const spans of read) {
      assert.equal(spans.length, 1);
      assert.equal(spans[0].traceId, '0000000000000000000000000000feed');
      assert.equal(spans[0].spanId, '000000000000000a');
      assert.equal(spans[0].endUs - spans[0].startUs, 12_500);
      assert.equal(spans[0].service, 'svc');
      assert.equal(spans[0].kind, 2);
      assert.equal(spans[0].attributes.n, 3);
    }
    assert.equal(readOtlp([plain, plain], 'x').length, 2);
  });

  test('base64 ids and int64 as numbers read the same as hex ids and int64 as strings', () => {
    const [hex] = readOtlp(one(), 'x');
    const [b64] = readOtlp(one({ ids: 'base64', ints: 'number' }), 'x');
    assert.deepEqual({ ...b64, children: [] }, { ...hex, children: [] });
  });

  test('enum names (SPAN_KIND_CLIENT, STATUS_CODE_ERROR) as protobuf JSON writes them', () => {
    const doc = one();
    Object.assign(doc.resourceSpans[0].scopeSpans[0].spans[0], { kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'boom' } });
    const [s] = readOtlp(doc, 'x');
    assert.equal(s.kind, 3);
    assert.equal(s.statusCode, 2);
    assert.equal(s.statusMessage, 'boom');
  });

  test('what is not OTLP is an InputError naming the place', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ data: [] }, /x: not OTLP JSON/],
      [[], /empty JSON array/],
      [[one(), { traces: 1 }], /x\[1\]: not OTLP JSON/],
      [{ resourceSpans: [{ scopeSpans: {} }] }, /scopeSpans is not an array/],
      [{ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'a' }] }] }] }, /traceId "zz" is neither 32 hex digits nor 16 bytes of base64/],
    ];
    for (const [doc, message] of cases) assert.throws(() => readOtlp(doc, 'x'), (e: unknown) => e instanceof InputError && message.test((e as Error).message));
    const bad = one();
    bad.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = 'yesterday';
    assert.throws(() => readOtlp(bad, 'x'), /startTimeUnixNano of span 000000000000000a is not a time in nanoseconds/);
  });

  test('files: invalid JSON and missing files are InputErrors with the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-reader-'));
    writeFileSync(join(dir, 'bad.json'), '{"resourceSpans": [');
    assert.throws(() => readFiles([join(dir, 'bad.json')]), (e: unknown) => e instanceof InputError && /bad\.json: invalid JSON/.test((e as Error).message));
    assert.throws(() => readFiles([join(dir, 'none.json')]), /none\.json: cannot read \(ENOENT\)/);
    assert.throws(() => readFiles([dir]), /not a file/);
  });
});
