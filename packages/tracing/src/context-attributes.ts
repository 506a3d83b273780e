import { context, createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

const KEY = createContextKey('@tracelab/tracing.context-attributes');

/**
 * Runs `fn` so that every span started inside it — including the ones instrumentations make, such
 * as `pg` queries and `fetch` calls — carries `attributes`. Nested calls add up.
 */
export function withSpanAttributes<T>(attributes: Attributes, fn: () => T): T {
  const inherited = (context.active().getValue(KEY) as Attributes | undefined) ?? {};
  return context.with(context.active().setValue(KEY, { ...inherited, ...attributes }), fn);
}

/** Copies the attributes of {@link withSpanAttributes} onto each span as it starts. */
export class ContextAttributesSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const attributes = parentContext.getValue(KEY) as Attributes | undefined;
    if (attributes) span.setAttributes(attributes);
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
