// Traces as other stacks make them (attribute names and span names as their OpenTelemetry
// instrumentations set them), written by hand: no TraceLab service or attribute in sight.
import { otlp, type SpanSpec } from './otlp-builder';

/**
 * Spring PetClinic under the OpenTelemetry Java agent (old semconv: db.system, db.statement,
 * db.name, net.peer.name; JDBC spans are CLIENT spans named after the operation and table), an
 * owner page that loads each pet's visits with one query: a JDBC N+1. Ids in base64 and int64 as
 * numbers, as protobuf-JSON exporters write them.
 */
export function javaJdbcNPlusOne() {
  const visits: SpanSpec[] = Array.from({ length: 8 }, (_, i) => ({
    id: `b${i}`,
    parent: 'a2',
    name: 'SELECT petclinic.visits',
    kind: 3,
    start: 12 + i * 9,
    end: 19 + i * 9,
    attrs: { 'db.system': 'postgresql', 'db.name': 'petclinic', 'db.user': 'app', 'net.peer.name': 'db', 'net.peer.port': 5432, 'db.operation': 'SELECT', 'db.sql.table': 'visits', 'db.statement': `select v1_0.id,v1_0.visit_date,v1_0.description from visits v1_0 where v1_0.pet_id=${100 + i}` },
  }));
  return otlp(
    'petclinic',
    [
      { id: 'a1', name: 'GET /owners/{ownerId}', kind: 2, start: 0, end: 95, attrs: { 'http.method': 'GET', 'http.route': '/owners/{ownerId}', 'http.status_code': 200, 'http.target': '/owners/7' } },
      { id: 'a2', parent: 'a1', name: 'OwnerController.showOwner', kind: 1, start: 2, end: 90 },
      { id: 'a3', parent: 'a2', name: 'SELECT petclinic.owners', kind: 3, start: 4, end: 10, attrs: { 'db.system': 'postgresql', 'db.name': 'petclinic', 'db.statement': 'select o1_0.id,o1_0.first_name from owners o1_0 where o1_0.id=?' } },
      ...visits,
    ],
    { traceId: 'a11ce', ids: 'base64', ints: 'number' },
  );
}

/**
 * A Flask view calling a catalog service with `requests` in a for loop
 * (opentelemetry-instrumentation-requests, old semconv: http.method, http.url, http.status_code).
 */
export function pythonRequestsLoop() {
  const calls: SpanSpec[] = [1, 2, 3, 4, 5].map((n, i) => ({
    id: `c${n}`,
    parent: 'f1',
    name: 'GET',
    kind: 3,
    start: 5 + i * 42,
    end: 45 + i * 42,
    attrs: { 'http.method': 'GET', 'http.url': `http://catalog:8000/items/${n}?fields=price`, 'http.status_code': 200, 'net.peer.name': 'catalog' },
  }));
  return otlp(
    'report-api',
    [{ id: 'f1', name: 'GET /report', kind: 2, start: 0, end: 222, attrs: { 'http.method': 'GET', 'http.route': '/report', 'http.status_code': 200, 'http.scheme': 'http' } }, ...calls],
    { traceId: 'b0b' },
  );
}

/**
 * A Go checkout service (otelhttp, semconv 1.26: http.request.method, url.full, server.address,
 * http.response.status_code, http.request.resend_count) whose client retries a payment call that
 * answered 503 twice.
 */
export function goRetries() {
  const attempt = (n: number, start: number, end: number, status: number): SpanSpec => ({
    id: `d${n}`,
    parent: 'e1',
    name: 'HTTP POST',
    kind: 3,
    start,
    end,
    attrs: {
      'http.request.method': 'POST',
      'url.full': 'http://payments:9000/v1/charge',
      'server.address': 'payments',
      'server.port': 9000,
      'http.response.status_code': status,
      ...(n > 1 ? { 'http.request.resend_count': n - 1 } : {}),
    },
    error: status >= 500 ? `${status} Service Unavailable` : undefined,
  });
  return otlp(
    'checkout',
    [
      { id: 'e1', name: 'POST /checkout', kind: 2, start: 0, end: 460, attrs: { 'http.request.method': 'POST', 'http.route': '/checkout', 'http.response.status_code': 200 } },
      attempt(1, 5, 105, 503),
      attempt(2, 205, 305, 503),
      attempt(3, 405, 450, 200),
    ],
    { traceId: 'c0ffee' },
  );
}

/**
 * A Java order service whose JDBC insert breaks a unique constraint, turned into a 500 by the
 * controller and a 502 by the edge (new semconv db.system.name, db.query.text, db.response.status_code).
 */
export function javaConstraintError() {
  return otlp(
    'edge',
    [
      { id: '11', name: 'POST /api/orders', kind: 2, start: 0, end: 60, attrs: { 'http.request.method': 'POST', 'http.route': '/api/orders', 'http.response.status_code': 502 }, error: 'upstream 500' },
      { id: '12', parent: '11', name: 'POST', kind: 3, start: 2, end: 58, attrs: { 'http.request.method': 'POST', 'url.full': 'http://orders:8080/orders', 'http.response.status_code': 500 }, error: 'HTTP 500' },
      { id: '13', parent: '12', name: 'POST /orders', kind: 2, start: 4, end: 56, attrs: { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 500 }, error: 'DataIntegrityViolationException' },
      {
        id: '14',
        parent: '13',
        name: 'INSERT shop.orders',
        kind: 3,
        start: 10,
        end: 20,
        attrs: { 'db.system.name': 'postgresql', 'db.query.text': 'insert into orders (id,customer) values (?,?)', 'db.response.status_code': '23505' },
        error: 'ERROR: duplicate key value violates unique constraint "orders_pkey"',
      },
    ],
    { traceId: 'e44' },
  );
}

/** A Python handler raising KeyError (exception event with type, message, stack), 500 to its caller. */
export function pythonException() {
  return otlp(
    'pricing',
    [
      {
        id: '21',
        name: 'GET /price/<sku>',
        kind: 2,
        start: 0,
        end: 30,
        attrs: { 'http.method': 'GET', 'http.route': '/price/<sku>', 'http.status_code': 500 },
        error: "KeyError: 'discount'",
        events: [
          {
            name: 'exception',
            at: 29,
            attrs: {
              'exception.type': 'KeyError',
              'exception.message': "'discount'",
              'exception.stacktrace': 'Traceback (most recent call last):\n  File "/app/pricing/views.py", line 42, in price\n    rate = rules["discount"]\nKeyError: \'discount\'',
            },
          },
        ],
      },
    ],
    { traceId: 'f00d' },
  );
}
