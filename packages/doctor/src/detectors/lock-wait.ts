import { criticalShare } from '../critical-path';
import { type Occurrence, type Span, type Trace } from '../model';
import { dbNamespace, dbStatement, dbSystem, isDb, peerHost } from '../semconv';
import { isTransactionControl, shortStatement, statementShape, takesRowLocks } from '../sql';
import { push } from '../util';
import { fmt, ms, type Detector } from './context';

/** Grants looked back over for a waiter's holder: keeps a 100 000-span input linear. */
const MAX_LOOKBACK = 64;

interface Lock {
  span: Span;
  trace: Trace;
  /** When its transaction released the lock: its sibling COMMIT/ROLLBACK's end, else its parent's end. */
  releaseUs: number;
  /**
   * The earliest the database may have released it: the COMMIT/ROLLBACK's start. The server releases
   * row locks as it runs the COMMIT; the client reads the answer later, the later the busier it is.
   */
  releaseFromUs: number;
}

/**
 * Row-locking statements (FOR UPDATE, UPDATE, DELETE) of one shape against one database, across
 * concurrent traces, that form a queue: each waiter asked while the one before still held the lock,
 * and finished only once that one's transaction released it. A queue needs `lockWait.minWaiters`
 * waiters that each waited at least `lockWait.minWaitMs`.
 */
export const lockWait: Detector = ({ traces, thresholds, explained }) => {
  const { minWaiters, minWaitMs, grantSlackMs } = thresholds.lockWait;
  const slackUs = grantSlackMs * 1000;
  const groups = new Map<string, Lock[]>();
  for (const trace of traces) {
    for (const s of trace.spans) {
      const sql = isDb(s) ? dbStatement(s) : undefined;
      if (!sql) continue;
      const shape = statementShape(sql);
      if (!takesRowLocks(shape)) continue;
      const key = `${dbSystem(s) ?? ''}|${peerHost(s) ?? ''}|${dbNamespace(s) ?? ''}|${shape}`;
      push(groups, key, { span: s, trace, ...releaseOf(s) });
    }
  }
  const found: Occurrence[] = [];
  for (const locks of groups.values()) {
    if (locks.length < minWaiters + 1) continue;
    locks.sort((a, b) => a.span.endUs - b.span.endUs);
    // Each lock's holder: the lock of another trace that still held the rows when it asked, and whose
    // release it was granted on (its own end follows that release within the slack).
    const holderOf = new Map<Lock, Lock>();
    for (let i = 1; i < locks.length; i++) {
      const b = locks[i];
      let best: Lock | undefined;
      // The holder was granted shortly before: look back over a bounded number of grants.
      for (let j = i - 1; j >= Math.max(0, i - MAX_LOOKBACK); j--) {
        const a = locks[j];
        if (a.trace === b.trace || b.span.startUs >= a.releaseUs) continue;
        // The waiter is granted the rows while the holder's COMMIT runs: after it starts, before its
        // client reads the answer. Under CPU pressure both ends blur: the slack grows with the wait, a
        // tenth of it, never under grantSlackMs.
        const slack = Math.max(slackUs, (b.span.endUs - b.span.startUs) / 10);
        const off = outside(b.span.endUs, a);
        if (off > slack) continue;
        if (!best || off < outside(b.span.endUs, best)) best = a;
      }
      if (best) holderOf.set(b, best);
    }
    const waitOf = (w: Lock) => Math.min(w.span.endUs, holderOf.get(w)!.releaseUs) - w.span.startUs;
    // A queue: waiter k waited for waiter k-1, who waited for the one before, down to a holder.
    const queues: Lock[][] = [];
    const inQueue = new Set<Lock>();
    for (const tail of [...locks].reverse()) {
      if (inQueue.has(tail) || !holderOf.has(tail)) continue;
      const queue: Lock[] = [];
      for (let w: Lock | undefined = tail; w && holderOf.has(w) && !inQueue.has(w); w = holderOf.get(w)) queue.unshift(w);
      // The chain runs through every waiter, also one that came late and waited briefly; what makes
      // it a queue is enough waiters that each waited long.
      if (queue.filter((w) => ms(waitOf(w)) >= minWaitMs).length < minWaiters) continue;
      queue.forEach((w) => inQueue.add(w));
      queues.push(queue);
    }
    for (const queue of queues) {
      const waits = queue.map(waitOf);
      const shares = queue.map((w) => criticalShare(w.trace, [w.span]));
      const sql = dbStatement(queue[0].span)!;
      const occurrence: Occurrence = {
        kind: 'lock-wait',
        traceIds: [...new Set(queue.map((w) => w.trace.traceId))],
        spanIds: queue.map((w) => w.span.spanId),
        costMs: ms(waits.reduce((a, b) => a + b, 0)),
        criticalPathShare: shares.reduce((a, b) => a + b, 0) / shares.length,
        where: `${dbSystem(queue[0].span) ?? 'db'}: ${shortStatement(statementShape(sql))}`,
        hint: 'hold the row lock for less time: do slow work before taking it or after COMMIT, keep the transaction short, or spread hot rows',
        evidence: [`a queue of ${queue.length} transactions, each granted the rows when the one before committed: waits ${waits.map((w) => fmt(ms(w))).join(' / ')}`],
      };
      for (const w of queue) explained.set(w.span, occurrence);
      // What each transaction did while it held the rows is why the next one waited: a slow statement
      // there is part of this finding, not a finding of its own.
      const held = [holderOf.get(queue[0])!, ...queue].flatMap((l) => (l.span.parent?.children ?? []).filter((c) => c !== l.span && c.startUs >= l.span.endUs && c.endUs <= l.releaseUs && isDb(c)));
      const slowest = held.sort((a, b) => b.endUs - b.startUs - (a.endUs - a.startUs))[0];
      if (slowest && !isTransactionControl(statementShape(dbStatement(slowest) ?? ''))) {
        occurrence.evidence.push(`while holding the rows: ${shortStatement(statementShape(dbStatement(slowest) ?? slowest.name), 100)} took up to ${fmt(ms(slowest.endUs - slowest.startUs))}`);
      }
      for (const c of held) if (!explained.has(c)) explained.set(c, occurrence);
      found.push(occurrence);
    }
  }
  return found;
};

/** How far `at` lies outside the holder's release window (0 inside it), in microseconds. */
const outside = (at: number, holder: Lock) => Math.max(0, holder.releaseFromUs - at, at - holder.releaseUs);

function releaseOf(lock: Span): { releaseUs: number; releaseFromUs: number } {
  const siblings = lock.parent?.children ?? [];
  const end = siblings.find((s) => s.startUs >= lock.endUs && isDb(s) && /^\s*(COMMIT|ROLLBACK|END)\b/i.test(dbStatement(s) ?? s.name));
  if (end) return { releaseUs: end.endUs, releaseFromUs: end.startUs };
  // Autocommit (no transaction spans): the lock is released when the statement ends.
  const inTransaction = siblings.some((s) => s.startUs <= lock.startUs && isDb(s) && isTransactionControl(statementShape(dbStatement(s) ?? '')));
  const at = inTransaction ? (lock.parent?.endUs ?? lock.endUs) : lock.endUs;
  return { releaseUs: at, releaseFromUs: at };
}
