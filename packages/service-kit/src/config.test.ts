import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig, millis, port, url } from './config';
import { httpError } from './client-errors';
import { FAULT_DEFAULTS, faultsConfigSchema } from './faults';

const schema = baseConfigSchema.extend({ PORT: port(8080), UPSTREAM_URL: url(), TIMEOUT_MS: millis(2000), DATABASE_URL: z.url() });

describe('configuration from the environment', () => {
  test('defaults fill what is unset; values are typed', () => {
    const c = loadConfig(schema, { UPSTREAM_URL: 'http://up:1', DATABASE_URL: 'postgres://h/db', TIMEOUT_MS: '750' });
    assert.deepEqual(c, {
      LOG_LEVEL: 'info',
      BODY_LIMIT_BYTES: 65536,
      PORT: 8080,
      UPSTREAM_URL: 'http://up:1',
      TIMEOUT_MS: 750,
      DATABASE_URL: 'postgres://h/db',
    });
  });

  test('one message naming the variable: missing, malformed, out of range; empty counts as missing', () => {
    const base = { UPSTREAM_URL: 'http://up:1', DATABASE_URL: 'postgres://h/db' };
    assert.throws(() => loadConfig(schema, { DATABASE_URL: 'postgres://h/db' }), { name: 'ConfigError', message: 'invalid configuration: UPSTREAM_URL is required' });
    assert.throws(() => loadConfig(schema, { ...base, UPSTREAM_URL: '' }), /UPSTREAM_URL is required/);
    assert.throws(() => loadConfig(schema, { ...base, UPSTREAM_URL: 'ftp://x' }), /^ConfigError: invalid configuration: UPSTREAM_URL /);
    assert.throws(() => loadConfig(schema, { ...base, PORT: '70000' }), /PORT/);
    assert.throws(() => loadConfig(schema, { ...base, LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    assert.throws(() => loadConfig(schema, { ...base, TIMEOUT_MS: '0' }), (e: unknown) => e instanceof ConfigError && /TIMEOUT_MS/.test(e.message));
  });
});

describe('fault settings (their own schema, read by FaultsModule)', () => {
  test('all off by default; TRACELAB_FAULTS lists faults, injection is an explicit true/false', () => {
    assert.deepEqual(FAULT_DEFAULTS.TRACELAB_FAULTS, []);
    assert.equal(FAULT_DEFAULTS.TRACELAB_FAULT_INJECTION, false, 'per-request faults are off unless asked for');
    const c = loadConfig(faultsConfigSchema, { TRACELAB_FAULTS: 'slow-query, n-plus-one', TRACELAB_FAULT_INJECTION: 'true' });
    assert.deepEqual(c.TRACELAB_FAULTS, ['slow-query', 'n-plus-one']);
    assert.equal(c.TRACELAB_FAULT_INJECTION, true);
    assert.throws(() => loadConfig(faultsConfigSchema, { TRACELAB_FAULT_INJECTION: 'yes' }), /TRACELAB_FAULT_INJECTION/);
    assert.throws(() => loadConfig(faultsConfigSchema, { TRACELAB_FAULTS: 'slow-query,slowquery' }), /TRACELAB_FAULTS unknown fault slowquery/);
    assert.throws(() => loadConfig(faultsConfigSchema, { TRACELAB_FAULT_ERROR_RATE: '1.5' }), /TRACELAB_FAULT_ERROR_RATE/);
  });

  test('the service schema knows nothing of faults', () => {
    assert.ok(!Object.keys(baseConfigSchema.shape).some((k) => k.startsWith('TRACELAB_')));
  });
});

describe('httpError', () => {
  test('uses Nest\'s named class for a status it has, a plain HttpException otherwise; the body is kept', () => {
    const conflict = httpError(409, { message: 'short', shortItems: [] });
    assert.equal(conflict.name, 'ConflictException');
    assert.deepEqual(conflict.getResponse(), { message: 'short', shortItems: [] });
    assert.equal(httpError(404, { message: 'x' }).name, 'NotFoundException');
    const teapot = httpError(499, { message: 'odd' });
    assert.equal(teapot.getStatus(), 499);
  });
});
