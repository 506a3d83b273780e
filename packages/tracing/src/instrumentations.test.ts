import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInstrumentations, shortName } from './instrumentations';

test('the instrumentation set: http, undici, express, nestjs-core, pg, pino; disabled ones are left out', () => {
  const names = (disabled?: string[]) => createInstrumentations(['/health/'], disabled).map((i) => shortName(i.instrumentationName));
  assert.deepEqual(names(), ['http', 'undici', 'express', 'nestjs-core', 'pg', 'pino']);
  assert.deepEqual(names(['nestjs-core', 'pino']), ['http', 'undici', 'express', 'pg']);
  for (const i of createInstrumentations(['/health/'])) i.disable();
});
