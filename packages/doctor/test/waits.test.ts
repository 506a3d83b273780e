import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse, readOtlp } from '../src/index';
import { poolQueue, rowLockQueue, stalledProcess } from './support/waits';

const run = (documents: unknown[]) => analyse(readOtlp(JSON.parse(JSON.stringify(documents)), 'fixture'));

/**
 * The wait detectors on hand-written concurrent traces, where the timings are known to the
 * microsecond: the lab's traces (test/lab.test.ts) vary with the machine's load, these do not.
 */
describe('waits without checkout spans, and lock queues with blurred timings', () => {
  test('pool-wait without checkout spans: six requests on one connection, each handed it as the one before commits', () => {
    const { findings } = run(poolQueue(6));
    assert.deepEqual(findings.map((f) => f.kind), ['pool-wait']);
    const [f] = findings;
    assert.equal(f.count, 5, 'the first request found the connection free; five waited');
    assert.equal(f.where, 'billing: POST /invoices (before its first query)');
    assert.match(f.evidence.join(' '), /no checkout spans/);
    assert.match(f.evidence.join(' '), /5 requests waiting at once, resumed one by one at 5 moments/);
  });

  test('pool-wait needs a queue: four waiters (below five) are no finding', () => {
    assert.deepEqual(run(poolQueue(5)).findings, []);
  });

  test('a stalled process is no pool wait: six gaps of 150 ms, resumed together after two queries end', () => {
    const { findings, occurrences } = run(stalledProcess(6));
    assert.deepEqual(occurrences.filter((o) => o.kind === 'pool-wait'), []);
    // What the stall did show, rightly: the two queries it stretched.
    assert.deepEqual(findings.map((f) => `${f.kind} ×${f.count}`), ['slow-query ×2']);
  });

  test('lock-wait: granted inside the holder\'s long COMMIT span, and chained through a waiter that waited 7 ms', () => {
    const { findings } = run(rowLockQueue());
    assert.deepEqual(findings.map((f) => f.kind), ['lock-wait']);
    const [f] = findings;
    assert.equal(f.spanIds.length, 4, 'the four waiters');
    assert.match(f.evidence[0], /a queue of 4 transactions.*waits 45 ms \/ 7(\.0)? ms \/ 92 ms \/ 132 ms/);
    assert.equal(f.where, 'postgresql: SELECT stock FROM products WHERE sku = ? FOR UPDATE');
  });
});
