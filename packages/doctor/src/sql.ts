/**
 * A statement's shape, without parameter values: string and number literals, `$n`/`?`/`:name`
 * placeholders and IN lists collapse to `?`, whitespace and case of keywords are normalised. Two
 * statements with the same shape are "the same query" for the N+1 and lock-wait detectors.
 */
export function statementShape(sql: string): string {
  let shape = shapes.get(sql);
  if (shape === undefined) {
    // Inputs repeat a few statements many times: remember them, within a bound.
    if (shapes.size >= 10_000) shapes.clear();
    shapes.set(sql, (shape = computeShape(sql)));
  }
  return shape;
}

const shapes = new Map<string, string>();

function computeShape(sql: string): string {
  return sql
    .replace(/\/\*.*?\*\//gs, ' ') // comments (sqlcommenter) carry trace ids
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+|:\w+\b|\?/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Takes locks others wait for: SELECT … FOR UPDATE / SHARE, UPDATE, DELETE, LOCK TABLE, PostgreSQL advisory locks. */
export const takesRowLocks = (shape: string) =>
  /\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b/i.test(shape) || /^\s*(UPDATE|DELETE|LOCK)\b/i.test(shape) || /\bpg_advisory(_xact)?_lock\b/i.test(shape);
/** A read that could run beside others: a SELECT that takes no locks. */
export const isPlainRead = (shape: string) => /^\s*(SELECT|WITH)\b/i.test(shape) && !takesRowLocks(shape);
export const isTransactionControl = (shape: string) => /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(shape);

/** Short form for reports: the shape, cut at `max` characters. */
export const shortStatement = (shape: string, max = 160) => (shape.length > max ? `${shape.slice(0, max - 1)}…` : shape);
