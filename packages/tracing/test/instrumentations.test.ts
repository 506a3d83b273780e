import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInstrumentations, INSTRUMENTATION_NAMES, shortName, unknownInstrumentationNames } from '../src/instrumentations';

// Whether a disabled instrumentation really leaves its module unpatched is checked in running
// services (tests/package); here, the names and the set.
test('the instrumentation set: http, undici, express, nestjs-core, pg, pino; disabled ones are never constructed', () => {
  assert.deepEqual(INSTRUMENTATION_NAMES, ['http', 'undici', 'express', 'nestjs-core', 'pg', 'pino']);
  const made = (disabled?: string[]) => createInstrumentations(['/health/'], disabled);
  const all = made();
  assert.deepEqual(all.map((i) => shortName(i.instrumentationName)), INSTRUMENTATION_NAMES);
  const some = made(['nestjs-core', 'pino']);
  assert.deepEqual(some.map((i) => shortName(i.instrumentationName)), ['http', 'undici', 'express', 'pg']);
  for (const i of [...all, ...some]) i.disable();
});

test('names that are not instrumentations of the package are reported, valid ones are not', () => {
  assert.deepEqual(unknownInstrumentationNames(['pg', 'nestjs', 'fs']), ['nestjs', 'fs']);
  assert.deepEqual(unknownInstrumentationNames([]), []);
});
