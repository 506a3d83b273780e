export { FakeCollector, type FakeCollectorOptions } from './fake-collector';
export { setupInMemoryTracing, toPlain, type InMemoryTracing } from './in-memory';
export {
  assertDescendant,
  buildTrees,
  errorSpans,
  findSpan,
  findSpans,
  isDescendant,
  matches,
  renderTree,
  singleRoot,
  type SpanMatcher,
} from './tree';
export type { AttributeValue, PlainSpan, SpanNode } from './types';
