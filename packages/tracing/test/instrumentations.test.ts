import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createInstrumentations,
  DEFAULT_INSTRUMENTATIONS,
  INSTRUMENTATION_NAMES,
  selectInstrumentations,
  shortName,
  unknownInstrumentationNames,
} from '../src/instrumentations';

// Whether a disabled instrumentation really leaves its module unpatched is checked in running
// services (tests/package); here, the names and the set.
const settings = { ignorePaths: ['/health/'], pgConnectSpans: false, pgSqlCommenter: false };
const names = (made: ReturnType<typeof createInstrumentations>) => made.map((i) => shortName(i.instrumentationName));

test('the set: http, undici, pg, pino by default; nestjs-core and express only when named', () => {
  assert.deepEqual(INSTRUMENTATION_NAMES, ['http', 'undici', 'pg', 'pino', 'nestjs-core', 'express']);
  assert.deepEqual(DEFAULT_INSTRUMENTATIONS, ['http', 'undici', 'pg', 'pino']);
  assert.deepEqual(selectInstrumentations(undefined), DEFAULT_INSTRUMENTATIONS);
  // As auto-instrumentations-node reads the two variables: enabled is the whole set, disabled comes out of it.
  assert.deepEqual(selectInstrumentations(['nestjs-core', 'http', 'pg']), ['http', 'pg', 'nestjs-core']);
  assert.deepEqual(selectInstrumentations([...INSTRUMENTATION_NAMES], ['pino']), ['http', 'undici', 'pg', 'nestjs-core', 'express']);
  assert.deepEqual(selectInstrumentations(undefined, ['pg', 'undici']), ['http', 'pino']);
});

test('disabled ones are never constructed; without connect spans, pg comes with the pool context binding', () => {
  const made = [
    createInstrumentations(settings, undefined),
    createInstrumentations(settings, undefined, ['pg']),
    createInstrumentations({ ...settings, pgConnectSpans: true }, [...INSTRUMENTATION_NAMES]),
  ];
  assert.deepEqual(names(made[0]), ['http', 'undici', 'pg', 'pino', '@tracelab/tracing/pg-pool-context']);
  assert.deepEqual(names(made[1]), ['http', 'undici', 'pino']);
  // pg-pool.connect spans bind the checkout callback themselves.
  assert.deepEqual(names(made[2]), INSTRUMENTATION_NAMES);
  for (const i of made.flat()) i.disable();
});

test('names that are not instrumentations of the package are reported, valid ones are not', () => {
  assert.deepEqual(unknownInstrumentationNames(['pg', 'nestjs', 'fs']), ['nestjs', 'fs']);
  assert.deepEqual(unknownInstrumentationNames([]), []);
});
