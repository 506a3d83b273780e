import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSON_TOO_DEEP, limitJsonDepth } from './json-body';

describe('limitJsonDepth', () => {
  const verify = limitJsonDepth(4);
  const check = (text: string) => verify({} as never, undefined, Buffer.from(text));

  test('accepts nesting up to the limit, and brackets inside strings do not count', () => {
    check('{"a":[{"b":[1]}]}');
    check('{"a":"[[[[[[[[[[{{{{{{{","b":"\\"[[[[[["}');
  });

  test('refuses deeper nesting with a 400 body-parser error of its own type', () => {
    assert.throws(() => check('[[[[[1]]]]]'), (e: { status?: number; type?: string }) => e.status === 400 && e.type === JSON_TOO_DEEP);
    assert.throws(() => check(`{"items":${'['.repeat(5000)}${']'.repeat(5000)}}`), /deeper than 4/);
  });
});
