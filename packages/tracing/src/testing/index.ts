export { FakeCollector, type FakeCollectorOptions } from './fake-collector';
export { call, parseTraceResponse, traceIdOf, type Call } from './http';
export { setupInMemoryTracing, toPlain, type InMemoryTracing } from './in-memory';
export { fromOtlp, type OtlpExportRequest } from './otlp-decode';
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
export { PG_SCOPE, repeatedStatements, sqlSpans, traceOf } from './traces';
export type { AttributeValue, PlainSpan, SpanNode } from './types';
