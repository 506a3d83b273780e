// Hand-written concurrent traces for the wait detectors: a pool queue and a stalled process, both
// without checkout spans, and a row-lock queue whose timings blur as they do on a busy machine.
// New semantic conventions (db.system.name, db.query.text), a service that is not TraceLab's.
import { otlp, type SpanSpec } from './otlp-builder';

const db = (text: string) => ({ 'db.system.name': 'postgresql', 'db.namespace': 'billing', 'server.address': 'db', 'db.query.text': text });
const T0 = 1_760_000_000_000;

/** One request: a SERVER span, and its DB statements as [text, start, end] in ms from the window's start. */
function request(n: number, start: number, end: number, statements: Array<[string, number, number]>) {
  const spans: SpanSpec[] = [
    { id: 'a1', name: 'POST /invoices', kind: 2, start, end, attrs: { 'http.request.method': 'POST', 'http.route': '/invoices', 'http.response.status_code': 201 } },
    ...statements.map(([text, from, to], i) => ({ id: `b${i + 1}`, parent: 'a1', name: text.split(' ')[0], kind: 3, start: from, end: to, attrs: db(text) })),
  ];
  return otlp('billing', spans, { traceId: `f00d${n}`, t0: T0 });
}

const transaction = (at: number, work: number): Array<[string, number, number]> => [
  ['BEGIN', at, at + 0.5],
  ['INSERT INTO invoices (id, total) VALUES ($1, $2)', at + 0.5, at + 0.5 + work],
  ['COMMIT', at + 0.5 + work, at + 1 + work],
];

/**
 * A pool of one connection and `requests` arriving 1 ms apart: each transaction (25 ms) starts 0.5 ms
 * after the one before commits, the connection handed from one request to the next. No checkout spans.
 */
export function poolQueue(requests = 6) {
  const hold = 25;
  return Array.from({ length: requests }, (_, k) => {
    const at = 2 + k * (hold + 0.5);
    return request(k, k, at + hold + 1, transaction(at, hold - 1));
  });
}

/**
 * The same requests, but nothing queues for the pool: the process stalls for 150 ms (CPU starved or a
 * long GC pause) and every request resumes as it ends, together, after two queries that were in flight.
 */
export function stalledProcess(requests = 6) {
  const inFlight = [0, 1].map((k) => request(100 + k, 0, 152, [['SELECT total FROM invoices WHERE id = $1', 1, 149.6 + k * 0.2]]));
  const waiting = Array.from({ length: requests }, (_, k) => {
    const at = 150 + k * 0.1;
    return request(k, 2 + k, at + 12, transaction(at, 10));
  });
  return [...inFlight, ...waiting];
}

/**
 * Four transactions taking the same row FOR UPDATE, as a loaded machine records them: the holder's
 * COMMIT span is long (its client read the answer late), so the next waiter is granted the row well
 * before that span ends; and one waiter came late and waited only 7 ms, in the middle of the queue.
 */
export function rowLockQueue() {
  const lock = 'SELECT stock FROM products WHERE sku = $1 FOR UPDATE';
  const update = 'UPDATE products SET stock = stock - $2 WHERE sku = $1';
  // [request start, lock asked, lock granted, update until, commit from, commit until]
  const rows: Array<[number, number, number, number, number, number]> = [
    [0, 1, 2, 50, 50, 80], // holds the row
    [9, 10, 55, 98, 98, 102], // granted inside the holder's COMMIT (50 → 80), 45 ms waiting
    [94, 95, 102, 150, 150, 152], // came late: 7 ms waiting
    [59, 60, 152, 200, 200, 202], // 92 ms
    [69, 70, 202, 250, 250, 252], // 132 ms
  ];
  return rows.map(([start, asked, granted, updated, from, until], k) =>
    request(k, start, until + 1, [
      ['BEGIN', asked - 0.5, asked],
      [lock, asked, granted],
      [update, granted, updated],
      ['COMMIT', from, until],
    ]),
  );
}
