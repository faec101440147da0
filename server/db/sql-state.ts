/**
 * The SQLSTATE of a database error, wherever it sits: drizzle wraps the driver's error (PostgreSQL's
 * or PGlite's, both carrying `code`) in a DrizzleQueryError whose `cause` it is.
 */
export function sqlState(error: unknown): string | undefined {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    // Five characters with a digit: every SQLSTATE has one, errno names such as EPIPE have none.
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code)) return code;
  }
  return undefined;
}

/** A unique constraint refused the row (23505). */
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';
