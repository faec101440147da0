/**
 * The sandbox's own error codes (SPEC §5, §7): what a run can end with. The processor maps the
 * RULE_* codes and BAD_ANSWER/NO_ANSWER to 502 and the SANDBOX_* codes to 503.
 */
export const SANDBOX_ERROR = {
  /** The rule threw, or does not compile. */
  RULE_ERROR: 'RULE_ERROR',
  /** CPU or wall time ran out (details.limit 'cpu' | 'wall'). */
  RULE_TIMEOUT: 'RULE_TIMEOUT',
  /** The isolate hit its memory limit. */
  RULE_MEMORY: 'RULE_MEMORY',
  /** Too many host calls (queries, logs) in one run. */
  RULE_HOST_CALLS: 'RULE_HOST_CALLS',
  /** A query would return more rows than allowed. */
  RULE_ROWS: 'RULE_ROWS',
  /** The answer is too long or not a string-like value. */
  BAD_ANSWER: 'BAD_ANSWER',
  /** Too many writes in one privileged call. */
  RULE_WRITES: 'RULE_WRITES',
  /** The rule set no answer. */
  NO_ANSWER: 'NO_ANSWER',
  /** Every isolate is busy and the queue is full, or the wait outlasted the wall limit. */
  SANDBOX_BUSY: 'SANDBOX_BUSY',
  /** The host was closed. */
  SANDBOX_CLOSED: 'SANDBOX_CLOSED',
} as const;

export type SandboxErrorCode = (typeof SANDBOX_ERROR)[keyof typeof SANDBOX_ERROR];

export type SandboxError = { code: SandboxErrorCode; message: string; details?: Record<string, unknown> };

export const sandboxError = (
  code: SandboxErrorCode,
  message: string,
  details?: Record<string, unknown>,
): SandboxError => (details === undefined ? { code, message } : { code, message, details });

/** The limit breaches: fatal for the run even when the script catches what they throw. */
export const isLimitCode = (code: SandboxErrorCode): boolean =>
  code === 'RULE_TIMEOUT' ||
  code === 'RULE_MEMORY' ||
  code === 'RULE_HOST_CALLS' ||
  code === 'RULE_ROWS' ||
  code === 'RULE_WRITES';
