import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpException } from '@nestjs/common';
import { Admission } from './admission';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Admission: a bounded number of orders in progress', () => {
  test('never more than the limit at once; the others run in arrival order as slots free up', async () => {
    const admission = new Admission(2, 5000);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        admission.run(async () => {
          peak = Math.max(peak, ++running);
          order.push(i);
          await sleep(10);
          running--;
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });

  test('a wait longer than the bound is a 503 naming orders, and the work never runs', async () => {
    const admission = new Admission(1, 50);
    let ran = false;
    const slow = admission.run(() => sleep(200));
    await assert.rejects(
      admission.run(async () => void (ran = true)),
      (e: unknown) => e instanceof HttpException && e.getStatus() === 503 && (e.getResponse() as { service: string }).service === 'orders',
    );
    await slow;
    assert.equal(ran, false);
    await admission.run(async () => undefined); // the slot was handed back
  });

  test('a failing order frees its slot', async () => {
    const admission = new Admission(1, 1000);
    await assert.rejects(admission.run(async () => Promise.reject(new Error('boom'))));
    assert.equal(await admission.run(async () => 42), 42);
  });
});
