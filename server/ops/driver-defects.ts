/**
 * A defect of the `postgres` driver (3.4.9, the latest release) that a lost database sets off: when
 * a connection closes in the middle of a transaction, the driver writes the ROLLBACK to the closed
 * connection from a timer, and the TypeError it throws there reaches no caller; uncaught, it ends the
 * process. Caught, it leaves that connection unable to send anything again: every query given to it
 * waits for the connect timeout. (porsager/postgres#1154 and #1208; the fixes proposed, #1168 and
 * #1209, are not released.) So: recognise exactly that error, keep serving, and renew the pool.
 * Any other uncaught exception still ends the process, as Node's default would.
 */
import type { Database } from '../db/database.ts';

export type DefectLogger = {
  error(details: object, message: string): void;
  fatal(details: object, message: string): void;
};

/** The driver's write to a closed connection: a TypeError thrown from `nextWrite` in its connection.js. */
export function isWriteAfterClose(error: unknown): boolean {
  if (!(error instanceof TypeError) || typeof error.stack !== 'string') return false;
  const frame = error.stack.split('\n').find((line) => line.trimStart().startsWith('at '));
  return (
    frame !== undefined &&
    /\bnextWrite\b/.test(frame) &&
    /[/\\]postgres[/\\]src[/\\]connection\.js:/.test(frame)
  );
}

/** What the process does with an uncaught exception: survive the driver's defect, exit on anything else. */
export function uncaughtHandler(
  database: Pick<Database, 'renewPool'>,
  logger: DefectLogger,
  exit: (code: number) => void = (code) => process.exit(code),
): (error: Error, origin: string) => void {
  return (error, origin) => {
    if (isWriteAfterClose(error)) {
      logger.error(
        { err: error },
        'the postgres driver wrote to a connection that had closed (porsager/postgres#1208): renewing the pool',
      );
      database.renewPool();
      return;
    }
    logger.fatal({ err: error, origin }, 'uncaught exception: exiting');
    exit(1);
  };
}

/** Installs the handler for the process (server/main.ts); returns what removes it. */
export function guardDriverDefects(database: Pick<Database, 'renewPool'>, logger: DefectLogger): () => void {
  const handler = uncaughtHandler(database, logger);
  process.on('uncaughtException', handler);
  return () => process.off('uncaughtException', handler);
}
