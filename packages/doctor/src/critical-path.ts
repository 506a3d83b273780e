import type { CriticalSection, Span, Trace } from './model';
import { within } from './trace';

interface CpSpan {
  spanId: string;
  startUs: number;
  durationUs: number;
  parentId?: string;
  /** Children, last-finishing first (by their times before trimming), as Jaeger's transformTraceData sorts them. */
  childSpanIds: string[];
}

/**
 * The critical path as Jaeger's UI computes it: a port of jaeger-ui v1.75.0
 * packages/jaeger-ui/src/components/TracePage/CriticalPath/index.tsx (computeCriticalPath) with its
 * utils findLastFinishingChildSpan.tsx and sanitizeOverFlowingChildren.tsx. getChildOfSpans.tsx
 * drops FOLLOWS_FROM children; OTLP parents are always CHILD_OF, so there is nothing to drop.
 * The recursion there is a tail call in both branches; here it is a loop, so 100 000-span traces
 * cannot overflow the stack. Spans whose parent is missing are left out, as sanitize drops them.
 */
export function criticalPath(trace: Trace): CriticalSection[] {
  if (trace.criticalPath) return trace.criticalPath;
  const map = new Map<string, CpSpan>();
  for (const s of trace.spans) {
    map.set(s.spanId, {
      spanId: s.spanId,
      startUs: s.startUs,
      durationUs: s.endUs - s.startUs,
      parentId: s.parent?.spanId ?? (s.parentSpanId && s !== trace.root ? s.parentSpanId : undefined),
      childSpanIds: [...s.children].sort((a, b) => b.endUs - a.endUs).map((c) => c.spanId),
    });
  }
  sanitizeOverflowingChildren(map);
  const path: CriticalSection[] = [];
  let current = map.get(trace.root.spanId);
  let returningChildStartTime: number | undefined;
  while (current) {
    const lfc = findLastFinishingChildSpan(map, current, returningChildStartTime);
    const sectionEnd = returningChildStartTime || current.startUs + current.durationUs;
    if (lfc) {
      const sectionStart = lfc.startUs + lfc.durationUs;
      if (sectionStart !== sectionEnd) path.push({ spanId: current.spanId, startUs: sectionStart, endUs: sectionEnd });
      current = lfc;
      returningChildStartTime = undefined;
    } else {
      if (current.startUs !== sectionEnd) path.push({ spanId: current.spanId, startUs: current.startUs, endUs: sectionEnd });
      returningChildStartTime = current.startUs;
      current = current.parentId ? map.get(current.parentId) : undefined;
    }
  }
  trace.criticalPath = path;
  trace.criticalPathUs = path.reduce((sum, s) => sum + (s.endUs - s.startUs), 0);
  return path;
}

function findLastFinishingChildSpan(map: Map<string, CpSpan>, span: CpSpan, returningChildStartTime?: number): CpSpan | undefined {
  if (returningChildStartTime) {
    const id = span.childSpanIds.find((each) => {
      const child = map.get(each);
      return child !== undefined && child.startUs + child.durationUs < returningChildStartTime;
    });
    return id ? map.get(id) : undefined;
  }
  const id = span.childSpanIds[0];
  return id ? map.get(id) : undefined;
}

/** Children outside their parent's time are trimmed to it, or dropped when wholly outside. */
function sanitizeOverflowingChildren(map: Map<string, CpSpan>): void {
  for (const spanId of [...map.keys()]) {
    const span = map.get(spanId);
    if (!span || !span.parentId) continue;
    const parent = map.get(span.parentId);
    if (!parent) {
      map.delete(spanId);
      continue;
    }
    const childEnd = span.startUs + span.durationUs;
    const parentEnd = parent.startUs + parent.durationUs;
    const drop = () => {
      map.delete(spanId);
      parent.childSpanIds = parent.childSpanIds.filter((id) => id !== spanId);
    };
    if (span.startUs >= parent.startUs) {
      if (span.startUs >= parentEnd) drop();
      else if (childEnd > parentEnd) map.set(spanId, { ...span, durationUs: parentEnd - span.startUs });
      continue;
    }
    if (childEnd <= parent.startUs) drop();
    else if (childEnd <= parentEnd) map.set(spanId, { ...span, startUs: parent.startUs, durationUs: childEnd - parent.startUs });
    else map.set(spanId, { ...span, startUs: parent.startUs, durationUs: parentEnd - parent.startUs });
  }
}

/** Critical-path time (µs) spent in `spans` or below them. */
export function criticalTimeUs(trace: Trace, spans: Span[]): number {
  let total = 0;
  for (const section of criticalPath(trace)) {
    const s = trace.byId.get(section.spanId);
    if (s && spans.some((e) => within(s, e))) total += section.endUs - section.startUs;
  }
  return total;
}

/** Share (0..1) of the trace's critical path spent in `spans` or below them. */
export function criticalShare(trace: Trace, spans: Span[]): number {
  criticalPath(trace);
  return trace.criticalPathUs ? criticalTimeUs(trace, spans) / trace.criticalPathUs : 0;
}
