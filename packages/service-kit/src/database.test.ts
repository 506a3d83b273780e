import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDevDatabase, type DevDatabase } from '@tracelab/devdb';
import { createPool, migrate, type Migration } from './database';

const migrations: Migration[] = [
  { id: '001-things', sql: 'CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL)' },
  { id: '002-seed', sql: "INSERT INTO things VALUES (1, 'one'), (2, 'two')" },
];

describe('migrations', () => {
  let db: DevDatabase;
  before(async () => (db = await startDevDatabase({ databases: ['migrations'] })));
  after(() => db.stop());

  test('four instances starting at once apply each migration exactly once', async () => {
    const pools = Array.from({ length: 4 }, () => createPool({ url: db.urlFor('migrations'), applicationName: 'test' }));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p, migrations)));
      assert.deepEqual(applied.flat().sort(), ['001-things', '002-seed'], `applied per instance: ${JSON.stringify(applied)}`);
      const { rows } = await pools[0].query('SELECT count(*)::int AS n FROM things');
      assert.equal(rows[0].n, 2, 'seed rows inserted once');
      assert.deepEqual(await migrate(pools[0], migrations), [], 'a restart applies nothing');
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('a failing migration rolls back entirely: no table, no record of it', async () => {
    const pool = createPool({ url: db.urlFor('migrations'), applicationName: 'test' });
    try {
      await assert.rejects(migrate(pool, [...migrations, { id: '003-broken', sql: 'CREATE TABLE half (id int); SELECT nonsense_fn()' }]));
      const { rows } = await pool.query("SELECT to_regclass('half') AS t, (SELECT count(*)::int FROM schema_migrations WHERE id = '003-broken') AS n");
      assert.deepEqual(rows[0], { t: null, n: 0 });
    } finally {
      await pool.end();
    }
  });
});
