import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { PlainSpan, SpanNode } from './types';

/** Assembles spans into trees: one root per span whose parent is missing from `spans`. */
export function buildTrees(spans: PlainSpan[]): SpanNode[] {
  const nodes = new Map(spans.map((s) => [s.spanId, { ...s, children: [] as SpanNode[] }]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const node of nodes.values()) node.children.sort((a, b) => a.startMs - b.startMs);
  return roots;
}

/** Exactly one root, or an error listing the roots found (a broken propagation shows up here). */
export function singleRoot(spans: PlainSpan[]): SpanNode {
  const roots = buildTrees(spans);
  if (roots.length !== 1) {
    throw new Error(`expected one trace root, found ${roots.length}: ${roots.map((r) => `${r.service}:${r.name}`).join(', ')}`);
  }
  return roots[0];
}

export interface SpanMatcher {
  service?: string;
  name?: string | RegExp;
  kind?: SpanKind;
  attributes?: Record<string, unknown>;
}

export function matches(span: PlainSpan, m: SpanMatcher): boolean {
  if (m.service !== undefined && span.service !== m.service) return false;
  if (m.kind !== undefined && span.kind !== m.kind) return false;
  if (typeof m.name === 'string' && span.name !== m.name) return false;
  if (m.name instanceof RegExp && !m.name.test(span.name)) return false;
  for (const [k, v] of Object.entries(m.attributes ?? {})) if (span.attributes[k] !== v) return false;
  return true;
}

export function findSpans(spans: PlainSpan[], m: SpanMatcher): PlainSpan[] {
  return spans.filter((s) => matches(s, m));
}

/** The one span matching `m`; throws naming what was there if none or several match. */
export function findSpan(spans: PlainSpan[], m: SpanMatcher): PlainSpan {
  const found = findSpans(spans, m);
  if (found.length !== 1) {
    throw new Error(`expected one span matching ${describe(m)}, found ${found.length} among: ${spans.map(label).join(', ')}`);
  }
  return found[0];
}

/** True when `descendant` sits below `ancestor` in the parent chain of `spans`. */
export function isDescendant(spans: PlainSpan[], descendant: PlainSpan, ancestor: PlainSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  let current = descendant.parentSpanId ? byId.get(descendant.parentSpanId) : undefined;
  while (current) {
    if (current.spanId === ancestor.spanId) return true;
    current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
  }
  return false;
}

/** Throws unless `child` descends from `parent`: the cross-service assertion of an e2e trace test. */
export function assertDescendant(spans: PlainSpan[], child: PlainSpan, parent: PlainSpan): void {
  if (!isDescendant(spans, child, parent)) {
    throw new Error(`${label(child)} does not descend from ${label(parent)}`);
  }
}

export function errorSpans(spans: PlainSpan[]): PlainSpan[] {
  return spans.filter((s) => s.status.code === SpanStatusCode.ERROR);
}

/**
 * An indented outline of a trace, for failure messages and for reading a trace in a terminal: service,
 * span name, kind, duration, ERROR mark, and the statement of database spans.
 */
export function renderTree(roots: SpanNode[]): string {
  const lines: string[] = [];
  const walk = (n: SpanNode, depth: number) => {
    const err = n.status.code === SpanStatusCode.ERROR ? ' ERROR' : '';
    const sql = statementOf(n);
    lines.push(`${'  '.repeat(depth)}${label(n)} [${SpanKind[n.kind]}] ${n.durationMs.toFixed(1)}ms${err}${sql ? `  ${sql}` : ''}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  roots.forEach((r) => walk(r, 0));
  return lines.join('\n');
}

/** The SQL of a database span on one line (current and older semantic conventions), without the sqlcommenter comment. */
export function statementOf(span: PlainSpan, maxLength = 120): string | undefined {
  const raw = span.attributes['db.query.text'] ?? span.attributes['db.statement'];
  if (typeof raw !== 'string') return undefined;
  const text = raw.replace(/\/\*traceparent=[^*]*\*\/\s*$/, '').replace(/\s+/g, ' ').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function label(s: PlainSpan): string {
  return `${s.service}:${s.name}`;
}

function describe(m: SpanMatcher): string {
  return JSON.stringify({ ...m, name: m.name instanceof RegExp ? String(m.name) : m.name, kind: m.kind === undefined ? undefined : SpanKind[m.kind] });
}
