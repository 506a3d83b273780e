import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Get } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ApiOperation } from '@nestjs/swagger';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { SpanStatusCode } from '@opentelemetry/api';
import { lastValueFrom, Observable, of, throwError, timer, map } from 'rxjs';
import { setupInMemoryTracing, type InMemoryTracing } from '../src/testing';
import { Traced } from '../src/nest/traced.decorator';

class Catalogue {
  @Traced()
  sync(n: number) {
    return n * 2;
  }

  @Traced('catalogue.load', { 'catalogue.source': 'db' })
  async load() {
    await new Promise((r) => setTimeout(r, 15));
    return 'loaded';
  }

  @Traced()
  async fail(): Promise<void> {
    throw new Error('load failed');
  }

  @Traced()
  stream(): Observable<number> {
    return timer(15).pipe(map(() => 7));
  }

  @Traced()
  broken(): Observable<never> {
    return throwError(() => new Error('stream failed'));
  }

  // Decorators apply bottom-up: Traced must keep what Get/ApiOperation stored on the method.
  @Traced()
  @Get('items/:id')
  @ApiOperation({ summary: 'one item' })
  route() {
    return of('ok');
  }
}

describe('@Traced()', () => {
  let tracing: InMemoryTracing;
  const c = new Catalogue();
  before(() => (tracing = setupInMemoryTracing()));
  afterEach(() => tracing.reset());
  after(() => tracing.shutdown());

  test('sync method: one span named Class.method, the return value unchanged', () => {
    assert.equal(c.sync(21), 42);
    assert.deepEqual(tracing.spans().map((s) => s.name), ['Catalogue.sync']);
  });

  test('async method: the span lasts until the promise settles and carries the given name and attributes', async () => {
    assert.equal(await c.load(), 'loaded');
    const [span] = tracing.spans();
    assert.equal(span.name, 'catalogue.load');
    assert.equal(span.attributes['catalogue.source'], 'db');
    assert.ok(span.durationMs >= 10, `lasted ${span.durationMs} ms`);
  });

  test('async rejection: the error is rethrown and the span is ERROR with an exception event', async () => {
    await assert.rejects(c.fail(), /load failed/);
    const [span] = tracing.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.events[0].name, 'exception');
  });

  test('Observable: the span ends when the stream completes, and records a stream error', async () => {
    const pending = c.stream();
    assert.equal(tracing.spans().length, 0, 'not ended before subscription completes');
    assert.equal(await lastValueFrom(pending), 7);
    assert.ok(tracing.spans()[0].durationMs >= 10);
    await assert.rejects(lastValueFrom(c.broken()), /stream failed/);
    assert.equal(tracing.spans()[1].status.code, SpanStatusCode.ERROR);
  });

  test('Nest route and Swagger metadata survive on the wrapped method, and so does its name', () => {
    const method = Catalogue.prototype.route;
    assert.equal(Reflect.getMetadata(PATH_METADATA, method), 'items/:id');
    assert.equal(Reflect.getMetadata(METHOD_METADATA, method), 0); // RequestMethod.GET
    assert.equal(Reflect.getMetadata(DECORATORS.API_OPERATION, method).summary, 'one item');
    assert.equal(method.name, 'route');
  });
});
