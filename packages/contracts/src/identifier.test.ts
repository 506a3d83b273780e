import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ParseIdPipe } from './identifier';
import { CreateOrderDto } from './order.dto';
import { CreateReservationDto } from './reservation.dto';

const items = [{ sku: 'SKU-001', quantity: 1 }];
const messages = (cls: new () => object, plain: object) =>
  validateSync(plainToInstance(cls, plain)).flatMap((e) => Object.values(e.constraints ?? {}));

describe('ids: one rule for bodies (@Identifier) and for path and query parameters (ParseIdPipe)', () => {
  test('@Identifier accepts 1-64 letters, digits, "-" and "_"', () => {
    assert.deepEqual(messages(CreateOrderDto, { customerId: 'customer_42-a', items }), []);
    assert.deepEqual(messages(CreateReservationDto, { orderId: 'x'.repeat(64), items }), []);
  });

  test('@Identifier refuses anything else with a message naming the property and the rule', () => {
    assert.deepEqual(messages(CreateOrderDto, { customerId: 'a b', items }), ['customerId must be 1-64 letters, digits, "-" or "_"']);
    assert.deepEqual(messages(CreateReservationDto, { orderId: 'x'.repeat(65), items }), ['orderId must be 1-64 letters, digits, "-" or "_"']);
    assert.deepEqual(messages(CreateOrderDto, { customerId: 42, items }), [
      'customerId must be 1-64 letters, digits, "-" or "_"',
      'customerId must be a string',
    ]);
  });

  test('ParseIdPipe passes a valid id through unchanged', () => {
    assert.equal(new ParseIdPipe('orderId').transform('order-1'), 'order-1');
  });

  test('ParseIdPipe answers 400 naming the parameter for a malformed or missing id', () => {
    const pipe = new ParseIdPipe('customer id');
    for (const value of ['a b', 'x'.repeat(65), '', '../etc', undefined]) {
      assert.throws(
        () => pipe.transform(value),
        (error: unknown) =>
          error instanceof BadRequestException &&
          error.getStatus() === 400 &&
          error.message === 'customer id must be 1-64 letters, digits, "-" or "_"',
        String(value),
      );
    }
  });
});

describe('items: a non-empty list of {sku, quantity} objects and nothing else', () => {
  type Err = { constraints?: Record<string, string>; children?: Err[] };
  const flat = (errors: Err[]): string[] => errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...flat(e.children ?? [])]);
  const messages = (cls: new () => object, plain: object) => flat(validateSync(plainToInstance(cls, plain)));

  test('nested arrays and non-objects are refused with a message naming items', () => {
    for (const bad of [[[[]]], [[{ sku: 'SKU-001', quantity: 1 }]], [null], ['SKU-001'], [1]]) {
      const found = messages(CreateOrderDto, { customerId: 'c', items: bad });
      assert.ok(found.length > 0, JSON.stringify(bad));
    }
    assert.ok(messages(CreateOrderDto, { customerId: 'c', items: [[[]]] }).includes('each of items must be an object {sku, quantity}'));
  });

  test('quantity is an integer within bounds, sku a bounded pattern', () => {
    assert.ok(messages(CreateOrderDto, { customerId: 'c', items: [{ sku: 'SKU-001', quantity: 1.5 }] }).length > 0);
    assert.ok(messages(CreateOrderDto, { customerId: 'c', items: [{ sku: 'SKU-001', quantity: 101 }] }).length > 0);
    assert.ok(messages(CreateOrderDto, { customerId: 'c', items: [{ sku: 'S'.repeat(33), quantity: 1 }] }).length > 0);
    assert.deepEqual(messages(CreateOrderDto, { customerId: 'c', items: [{ sku: 'SKU-001', quantity: 100 }] }), []);
  });
});
