/**
 * The call log's rows, written after the call is answered. The insert took a third of a pop's time
 * (0.7 ms of 3 ms on PostgreSQL) and the agent's screen does not need it: the row's id is made here,
 * so the answer names it at once, and the row follows a moment later. Until it is written:
 *  - `settled()` waits for it: whatever reads the log in this process (the calls API, shutdown) waits
 *    first, so it never misses a call this process answered; a repeat of a telephony call id waits
 *    only for the rows of that call id (`settledFor`), not for everyone's;
 *  - a failed insert is logged with the call's id and counted (`ctihost_call_log_write_failures_total`),
 *    and the call keeps its answer: a log row is never a reason to fail a pop;
 *  - when the database falls behind and `maxPending` rows wait, `backlogged()` says so and the
 *    processor waits for its own row before answering: the backlog (and the memory it holds) is
 *    bounded, and calls slow down to the pace of the log instead of outrunning it.
 * Rows are lost only if the process dies in the moment between the answer and the insert, the same
 * order of window as the asynchronous commit of the insert itself (call-log.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { type CallRecord, writeCall } from './call-log.ts';

export type CallLogWriter = {
  /** Starts writing the row; its id at once, and when it is written (never rejects). */
  write(record: Omit<CallRecord, 'id'>): { id: string; written: Promise<void> };
  /** Resolves when every row started so far is written (or has failed and been logged). */
  settled(): Promise<void>;
  /** The same for the rows of one telephony call id (`sysparm_call_id`). */
  settledFor(callId: string): Promise<void>;
  /** More rows wait than `maxPending`: a caller should wait for its own. */
  backlogged(): boolean;
  stats(): { pending: number; failed: number };
};

/** Rows that may wait at once before calls wait for theirs: far more than calls in flight normally. */
export const MAX_PENDING_CALL_LOG_ROWS = 256;

export function createCallLogWriter(
  database: Pick<Database, 'rows'>,
  logger?: Pick<FastifyBaseLogger, 'error'>,
  maxPending = MAX_PENDING_CALL_LOG_ROWS,
): CallLogWriter {
  const pending = new Set<Promise<void>>();
  /** The rows of each telephony call id still being written. */
  const byCallId = new Map<string, Set<Promise<void>>>();
  let failed = 0;
  const forget = (written: Promise<void>, callId: string | null | undefined) => {
    pending.delete(written);
    const rows = callId ? byCallId.get(callId) : undefined;
    rows?.delete(written);
    if (rows?.size === 0) byCallId.delete(callId!);
  };
  return {
    write(record) {
      const id = randomUUID();
      const written: Promise<void> = writeCall(database, { ...record, id }).then(
        (): void => forget(written, record.callId),
        (error: unknown) => {
          forget(written, record.callId);
          failed += 1;
          logger?.error(
            { err: error, callLogId: id, rule: record.rule },
            'a call could not be written to the call log',
          );
        },
      );
      pending.add(written);
      if (record.callId) {
        const rows = byCallId.get(record.callId) ?? new Set();
        rows.add(written);
        byCallId.set(record.callId, rows);
      }
      return { id, written };
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
    async settledFor(callId) {
      for (let rows = byCallId.get(callId); rows; rows = byCallId.get(callId)) await Promise.all(rows);
    },
    backlogged: () => pending.size > maxPending,
    stats: () => ({ pending: pending.size, failed }),
  };
}
