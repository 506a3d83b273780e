import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { FAULT_DEFAULTS } from './faults.config';

const MANIFEST = join(__dirname, '../../../../k8s/base/faults-config.yaml');

describe('k8s/base/faults-config.yaml lists every knob for operators', () => {
  test('with exactly the schema defaults, so the two cannot drift apart', () => {
    const data = (parse(readFileSync(MANIFEST, 'utf8')) as { data: Record<string, string> }).data;
    const asText = Object.fromEntries(Object.entries(FAULT_DEFAULTS).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    assert.deepEqual(data, asText);
  });
});
