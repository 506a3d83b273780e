/** Node socket errors meaning "no server there (now)". */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs meaning the server is unavailable, not that the statement is wrong: class 08
 * (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many
 * connections).
 */
const SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** pg's own messages for a connection that died or never came up (they carry no code). */
const PG_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout expired', // pg.Client's own connect timeout
  'timeout exceeded when trying to connect',
  'not queryable',
  'Client was closed',
  'Cannot use a pool after calling end',
];

/**
 * True when `error` says the database cannot be reached right now (stopped, restarting, connection
 * cut), as opposed to a bug in the query: the first is a 503 the client may retry, the second a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  return PG_MESSAGES.some((m) => error.message.includes(m));
}
