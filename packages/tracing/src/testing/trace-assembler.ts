import { buildTrees, renderTree } from './tree';
import type { PlainSpan } from './types';

/** A little over the SDK's default export delay (OTEL_BSP_SCHEDULE_DELAY, 5 s). */
const REMOTE_PARENT_WAIT_MILLIS = 6000;

interface Pending {
  spans: PlainSpan[];
  firstMs: number;
  timer?: NodeJS.Timeout;
}

export interface AssembledTrace {
  traceId: string;
  spans: PlainSpan[];
  /** False when it was handed on after `maxWaitMillis` with its root or a parent still missing. */
  complete: boolean;
  /** True when spans arrived after the trace was already handed on; `spans` then holds all of them. */
  update: boolean;
}

/**
 * Groups spans by trace as they arrive and hands a trace on once it looks complete: its root has
 * arrived, every span's parent is there, and nothing new came for `quietMillis`. Services export in
 * their own batches (OTEL_BSP_SCHEDULE_DELAY apart), so "complete" can only ever be a quiet period.
 */
export class TraceAssembler {
  private readonly pending = new Map<string, Pending>();
  /** Traces already handed on, so that a late span reprints its whole trace; oldest dropped first. */
  private readonly done = new Map<string, PlainSpan[]>();

  constructor(
    private readonly onTrace: (trace: AssembledTrace) => void,
    private readonly quietMillis = 1500,
    private readonly maxWaitMillis = 30_000,
    private readonly remember = 200,
  ) {}

  add(spans: PlainSpan[]): void {
    for (const span of spans) {
      let entry = this.pending.get(span.traceId);
      if (!entry) {
        entry = { spans: [...(this.done.get(span.traceId) ?? [])], firstMs: Date.now() };
        this.pending.set(span.traceId, entry);
      }
      entry.spans.push(span);
    }
    for (const traceId of new Set(spans.map((s) => s.traceId))) this.schedule(traceId);
  }

  /** Hands on every pending trace now, complete or not (at exit). */
  flush(): void {
    for (const traceId of [...this.pending.keys()]) this.emit(traceId);
  }

  private schedule(traceId: string): void {
    const entry = this.pending.get(traceId)!;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      const age = Date.now() - entry.firstMs;
      const trees = buildTrees(entry.spans);
      // A root with a parent id came from a caller that sent `traceparent`; the caller's own spans may still come.
      const rooted = trees.length === 1 && (!trees[0].parentSpanId || age >= REMOTE_PARENT_WAIT_MILLIS);
      if (rooted || age >= this.maxWaitMillis) this.emit(traceId);
      else this.schedule(traceId);
    }, this.quietMillis);
    entry.timer.unref();
  }

  private emit(traceId: string): void {
    const entry = this.pending.get(traceId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(traceId);
    const update = this.done.has(traceId);
    this.done.delete(traceId);
    this.done.set(traceId, entry.spans);
    if (this.done.size > this.remember) this.done.delete(this.done.keys().next().value!);
    this.onTrace({ traceId, spans: entry.spans, complete: isComplete(entry.spans), update });
  }
}

/** One tree: no span whose parent is missing, except the root's remote parent. */
export function isComplete(spans: PlainSpan[]): boolean {
  return buildTrees(spans).length === 1;
}

/** A trace as the `tracelab-traces` command prints it: a header line, then the indented tree. */
export function formatTrace(trace: AssembledTrace): string {
  const roots = buildTrees(trace.spans);
  const longest = Math.max(...roots.map((r) => r.durationMs));
  const notes = [trace.update ? 'late spans, whole trace again' : '', trace.complete ? '' : 'incomplete: some parent spans never arrived'].filter(Boolean);
  const header = `trace ${trace.traceId} · ${trace.spans.length} spans · ${longest.toFixed(1)}ms${notes.length ? ` (${notes.join('; ')})` : ''}`;
  const tree = renderTree(roots)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${header}\n${tree}\n`;
}
