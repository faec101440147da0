/**
 * Which errors mean "the database cannot be reached" rather than "this statement is wrong": the
 * one test behind every 503 for a lost database (the processor's, the error handler's, the health's).
 */

/** What the client is told: nothing about the driver, only that it is temporary. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is not reachable; try again shortly';

/** Socket errors of node:net and the `postgres` driver's own codes for a connection it lost or never got. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs of a server that is going away or not taking connections: class 08 (connection
 * exception), 57P01-57P03 (shut down by an admin, crashed, cannot connect now), 53300 (too many
 * connections).
 */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300)$/;

const MAX_DEPTH = 5;

/** The first code of `error`, or of an error it wraps (drizzle's `cause`, an AggregateError's `errors`), that `matches`. */
function findCode(error: unknown, matches: (code: string) => boolean, depth = 0): string | null {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null) return null;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && matches(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findCode(inner, matches, depth + 1);
      if (found) return found;
    }
  }
  return findCode(cause, matches, depth + 1);
}

/** The code that marks `error`, or an error it wraps, as a lost connection; else null. */
export const lostConnectionCode = (error: unknown): string | null =>
  findCode(error, (code) => CONNECTION_CODES.has(code) || UNAVAILABLE_STATE.test(code));

export const isDatabaseUnavailable = (error: unknown): boolean => lostConnectionCode(error) !== null;

/** SQLSTATE 57014: PostgreSQL stopped the statement (DATABASE_STATEMENT_TIMEOUT_MS). */
export const isStatementTimeout = (error: unknown): boolean =>
  findCode(error, (code) => code === '57014') !== null;

/** What the client is told of a statement stopped at its timeout: that it was too slow, and what helps. */
export const STATEMENT_TIMEOUT_MESSAGE =
  'the database stopped this query: it ran longer than ctihost allows (DATABASE_STATEMENT_TIMEOUT_MS); narrow it (a filter, a smaller limit, fewer records at a time)';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which JSON (`"\u0000"`) and URLs (`%00`) can carry:
 * the database refuses such a value with 22021 (text: "invalid byte sequence for encoding UTF8: 0x00")
 * or 22P05 (jsonb: "unsupported Unicode escape sequence"). Our own strings never hold one, so the
 * refusal is always the request's doing: a 400, not the 500 of a fault of ours.
 */
export const isNulCharacterRefusal = (error: unknown): boolean =>
  findCode(error, (code) => code === '22021' || code === '22P05') !== null;

export const NUL_CHARACTER_MESSAGE =
  'the request holds a NUL character (U+0000, %00), which no text here may contain';
