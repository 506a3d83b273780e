import { isObservable, Observable } from 'rxjs';
import { context, trace, type Attributes, type Span } from '@opentelemetry/api';
import { recordError, tracer } from '../api';

/**
 * Wraps a method in a span named `Class.method` (or `name`). Works for sync, async and Observable
 * methods; Nest and Swagger metadata on the method is copied to the wrapper so routes, guards and
 * docs keep working.
 */
export function Traced(name?: string, attributes?: Attributes): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const spanName = name ?? `${target.constructor.name}.${String(propertyKey)}`;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const span = tracer().startSpan(spanName, { attributes });
      return context.with(trace.setSpan(context.active(), span), () => run(span, () => original.apply(this, args)));
    };
    copyMetadata(original, wrapped);
    Object.defineProperty(wrapped, 'name', { value: original.name });
    descriptor.value = wrapped;
    return descriptor;
  };
}

function run(span: Span, call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    fail(span, error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => (span.end(), value),
      (error: unknown) => {
        fail(span, error);
        throw error;
      },
    );
  }
  if (isObservable(result)) return endWithObservable(span, result);
  span.end();
  return result;
}

/** The span lasts until the Observable completes, errors or is unsubscribed. */
function endWithObservable(span: Span, source: Observable<unknown>): Observable<unknown> {
  const ctx = trace.setSpan(context.active(), span);
  return new Observable((subscriber) => {
    let done = false;
    const finish = () => {
      if (!done) (done = true), span.end();
    };
    const subscription = context.with(ctx, () =>
      source.subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          if (!done) recordError(error, span);
          finish();
          subscriber.error(error);
        },
        complete: () => {
          finish();
          subscriber.complete();
        },
      }),
    );
    return () => {
      subscription.unsubscribe();
      finish();
    };
  });
}

function fail(span: Span, error: unknown): void {
  recordError(error, span);
  span.end();
}

function copyMetadata(from: object, to: object): void {
  for (const key of Reflect.getMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, from), to);
  }
}
