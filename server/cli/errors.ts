/**
 * How a command fails. Exit codes are the contract of SPEC §11: 2 for bad arguments (with a short
 * usage), 1 for a failure of the work itself (a rule that fails, a test that fails, a file that is
 * refused), 0 otherwise.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Bad arguments found after parsing (a file that cannot be read, a rule that does not exist). */
export const usageError = (message: string) => new CliError(message, EXIT.usage);
