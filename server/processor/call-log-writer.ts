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
 *
 * Group commit: one insert at a time. A row that comes while one is in flight waits for it and goes
 * with every other row that came meanwhile, in one statement (call-log.ts `writeCallRows`). One call at
 * a time, each row is written alone, on the turn after its call's reply; under load, one statement carries many rows, which
 * costs the database a fraction of as many statements. A batch refused for what a row holds is
 * retried row by row, so one row the database cannot take (a NUL in a parameter) loses only itself.
 * Each row carries the time of its call, not of its insert.
 * Rows are lost only if the process dies in the moment between the answer and the insert, the same
 * order of window as the asynchronous commit of the insert itself (call-log.ts).
 *
 * Even the row's making waits for the answer: a write queues the record and its `shape` (the
 * processor's masking of the caller's phones, 0.1–0.2 ms a pop), and the batch is shaped, serialized
 * and sent on the next turn of the event loop (setImmediate), after the reply has gone out. A record
 * that cannot be shaped or serialized is lost alone, logged like a refused row.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { sqlState } from '../db/sql-state.ts';
import { type CallRecord, callRowJson, writeCallRows } from './call-log.ts';

type NewCallRecord = Omit<CallRecord, 'id'>;

export type CallLogWriter = {
  /**
   * Queues the row; its id at once, and when it is written (never rejects). `shape`, when given, is
   * applied to the record just before it is written (the masking of its phones).
   */
  write(
    record: NewCallRecord,
    shape?: (record: NewCallRecord) => NewCallRecord,
  ): { id: string; written: Promise<void> };
  /** Resolves when every row started so far is written (or has failed and been logged). */
  settled(): Promise<void>;
  /** The same for the rows of one telephony call id (`sysparm_call_id`). */
  settledFor(callId: string): Promise<void>;
  /** More rows wait than `maxPending`: a caller should wait for its own. */
  backlogged(): boolean;
  stats(): { pending: number; failed: number; batches: number };
};

/** Rows that may wait at once before calls wait for theirs: far more than calls in flight normally. */
export const MAX_PENDING_CALL_LOG_ROWS = 256;
/** Rows in one statement at most, which bounds its size (a row with many log lines is tens of kilobytes). */
export const MAX_CALL_LOG_BATCH = 100;

/** A row waiting: how to make its JSON, and what a failure is logged with. */
type Queued = { row: () => string; id: string; rule: string; done: () => void };

/**
 * The database refused what a row holds (SQLSTATE class 22, data exception: a NUL in a parameter;
 * 23, integrity): the other rows of its batch can still be written. Any other failure (the
 * connection, the server going away) would fail them one by one as well, each after its own wait.
 */
const refusedARow = (error: unknown): boolean => /^2[23]/.test(sqlState(error) ?? '');

export function createCallLogWriter(
  database: Pick<Database, 'rows'>,
  logger?: Pick<FastifyBaseLogger, 'error'>,
  maxPending = MAX_PENDING_CALL_LOG_ROWS,
): CallLogWriter {
  const pending = new Set<Promise<void>>();
  /** The rows of each telephony call id still being written. */
  const byCallId = new Map<string, Set<Promise<void>>>();
  const queue: Queued[] = [];
  let flushing = false;
  let failed = 0;
  let batches = 0;

  const forget = (written: Promise<void>, callId: string | null | undefined) => {
    pending.delete(written);
    const rows = callId ? byCallId.get(callId) : undefined;
    rows?.delete(written);
    if (rows?.size === 0) byCallId.delete(callId!);
  };

  const lost = (rows: Pick<Queued, 'id' | 'rule'>[], error: unknown) => {
    for (const row of rows) {
      failed += 1;
      logger?.error(
        { err: error, callLogId: row.id, rule: row.rule },
        'a call could not be written to the call log',
      );
    }
  };

  /** Writes one batch; when the database refuses it, each of its rows on its own. Never rejects. */
  async function writeBatch(batch: Queued[]): Promise<void> {
    batches += 1;
    const rows: { queued: Queued; json: string }[] = [];
    for (const queued of batch) {
      try {
        rows.push({ queued, json: queued.row() });
      } catch (error) {
        // A record JSON cannot hold (never made by the processor): lost alone, never its batch.
        lost([queued], error);
        queued.done();
      }
    }
    try {
      if (rows.length > 0)
        await writeCallRows(
          database,
          rows.map((row) => row.json),
        );
    } catch (error) {
      if (rows.length === 1 || !refusedARow(error))
        lost(
          rows.map((row) => row.queued),
          error,
        );
      else
        for (const { queued, json } of rows)
          await writeCallRows(database, [json]).catch((rowError: unknown) => lost([queued], rowError));
    }
    for (const { queued } of rows) queued.done();
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) await writeBatch(queue.splice(0, MAX_CALL_LOG_BATCH));
    } finally {
      flushing = false;
    }
  }

  /** The next batch starts once the reply of the call that queued a row has gone out. */
  let scheduled = false;
  function schedule(): void {
    if (flushing || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!flushing) void flush();
    });
  }

  return {
    write(record, shape) {
      const id = randomUUID();
      const at = record.at ?? new Date();
      const row = () => callRowJson({ ...(shape ? shape(record) : record), id, at });
      let done!: () => void;
      const written: Promise<void> = new Promise<void>((resolve) => {
        done = resolve;
      }).then((): void => forget(written, record.callId));
      queue.push({ row, id, rule: record.rule, done });
      pending.add(written);
      if (record.callId) {
        const rows = byCallId.get(record.callId) ?? new Set();
        rows.add(written);
        byCallId.set(record.callId, rows);
      }
      schedule();
      return { id, written };
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
    async settledFor(callId) {
      for (let rows = byCallId.get(callId); rows; rows = byCallId.get(callId)) await Promise.all(rows);
    },
    backlogged: () => pending.size > maxPending,
    stats: () => ({ pending: pending.size, failed, batches }),
  };
}
