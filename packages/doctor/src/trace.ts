import type { Span, Trace } from './model';

/**
 * Spans → traces: parents linked, depth set, and every defect of the input said in a note rather
 * than thrown: duplicate span ids (the later copy is dropped), spans ending before they start
 * (end set to start), missing parents (the trace is partial: its orphans hang under no one),
 * parent cycles (broken at the span that closes the loop), children outside their parent's time
 * (clocks out of step; the critical path trims them as Jaeger's UI does). Linear in the spans.
 */
export function assembleTraces(spans: Span[]): Trace[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  return [...byTrace.values()].map(assemble);
}

function assemble(input: Span[]): Trace {
  const notes: string[] = [];
  const byId = new Map<string, Span>();
  let duplicates = 0;
  let reversed = 0;
  for (const s of input) {
    if (byId.has(s.spanId)) {
      duplicates++;
      continue;
    }
    if (s.endUs < s.startUs) {
      reversed++;
      s.endUs = s.startUs;
    }
    s.children = [];
    s.parent = undefined;
    byId.set(s.spanId, s);
  }
  if (duplicates) notes.push('duplicate span ids (later copies ignored)');
  if (reversed) notes.push('spans ending before they start (read as zero-length)');
  const spans = [...byId.values()].sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
  const orphans: Span[] = [];
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    const parent = byId.get(s.parentSpanId);
    if (!parent || parent === s) orphans.push(s);
    else s.parent = parent;
  }
  const cycles = breakCycles(spans);
  if (cycles) notes.push('parent cycles (broken where the loop closes)');
  for (const s of spans) if (s.parent) s.parent.children.push(s);
  const tops = spans.filter((s) => !s.parent);
  const missing = orphans.filter((s) => !s.parent);
  if (missing.length) notes.push('partial: spans name a parent that is not in the input (analysed as they are)');
  let outside = 0;
  for (const top of tops) {
    top.depth = 0;
    const stack = [top];
    while (stack.length) {
      const s = stack.pop()!;
      for (const c of s.children) {
        c.depth = s.depth + 1;
        if (c.startUs < s.startUs || c.endUs > s.endUs) outside++;
        stack.push(c);
      }
    }
  }
  if (outside) notes.push("children outside their parent's time (clocks out of step; trimmed for the critical path)");
  // As Jaeger's UI: the earliest span is the root; a true root (no parent named) wins over an orphan.
  const root = tops.find((s) => !s.parentSpanId) ?? tops[0];
  return { traceId: spans[0].traceId, spans, byId, root, orphans: missing, notes };
}

/** Walks each parent chain once (colouring), cutting the link that closes a loop. */
function breakCycles(spans: Span[]): number {
  const state = new Map<Span, 1 | 2>();
  let broken = 0;
  for (const start of spans) {
    const path: Span[] = [];
    let s: Span | undefined = start;
    while (s && !state.has(s)) {
      state.set(s, 1);
      path.push(s);
      s = s.parent;
    }
    if (s && state.get(s) === 1) {
      // `s` is on the current path: its parent link closes the loop.
      const closing: Span = path[path.length - 1];
      closing.parent = undefined;
      broken++;
    }
    for (const p of path) state.set(p, 2);
  }
  return broken;
}

/** Is `span` inside the subtree of `ancestor` (or `ancestor` itself)? */
export function within(span: Span, ancestor: Span): boolean {
  for (let s: Span | undefined = span; s; s = s.parent) if (s === ancestor) return true;
  return false;
}
