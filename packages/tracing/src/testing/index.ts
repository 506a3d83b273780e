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
  statementOf,
  type SpanMatcher,
} from './tree';
export { formatTrace, isComplete, TraceAssembler, type AssembledTrace } from './trace-assembler';
export type { AttributeValue, PlainSpan, SpanNode } from './types';
