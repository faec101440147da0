/**
 * The call log is written after the answer (server/processor/call-log-writer.ts): the id comes at
 * once, readers that wait for `settled()` see the row, and a failed insert is logged and counted,
 * never thrown at the call.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { createCallLogWriter, MAX_CALL_LOG_BATCH } from '../../server/processor/call-log-writer.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const record = { rule: 'CTIProcessing', params: {}, outcome: 'answer', durationMs: 3 } as const;

/** The writer starts a batch on the next turn of the event loop, once the call's reply has gone out. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The ids of the rows one insert statement carries (its one parameter is the rows' JSON array). */
function idsOf(statement: { queryChunks: unknown[] }): string[] {
  const json = statement.queryChunks.find(
    (chunk): chunk is string => typeof chunk === 'string' && chunk.startsWith('[{'),
  );
  return (JSON.parse(json!) as { id: string }[]).map((row) => row.id);
}

/** rows() that holds each insert until released, remembering the ids and the statements it was given. */
function heldRows() {
  const inserted: string[] = [];
  const statements: string[][] = [];
  const releases: (() => void)[] = [];
  const rows = ((statement: { queryChunks: unknown[] }) =>
    new Promise((resolve) => {
      const ids = idsOf(statement);
      statements.push(ids);
      releases.push(() => {
        inserted.push(...ids);
        resolve([]);
      });
    })) as unknown as Database['rows'];
  const release = () => {
    for (const next of releases.splice(0)) next();
  };
  /** Releases statement after statement (a batch follows the one before) until nothing is pending. */
  const drain = async (writer: { stats(): { pending: number } }) => {
    while (writer.stats().pending > 0) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { rows, inserted, statements, release, drain };
}

describe('the call log writer', () => {
  it('gives the row id at once, and settles when the row is written', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    const { id } = writer.write(record);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(writer.stats(), 'nothing sent in the turn of the call').toEqual({
      pending: 1,
      failed: 0,
      batches: 0,
    });
    await nextTurn();
    expect(writer.stats()).toEqual({ pending: 1, failed: 0, batches: 1 });
    let settled = false;
    const waiting = writer.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    held.release();
    await waiting;
    expect(held.inserted).toEqual([id]);
    expect(writer.stats()).toEqual({ pending: 0, failed: 0, batches: 1 });
  });

  it('waits for the rows of one telephony call id, not for the others', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    writer.write({ ...record, callId: 'other' });
    let mine = false;
    await writer.settledFor('mine'); // nothing of it pending: at once
    writer.write({ ...record, callId: 'mine' });
    const waiting = writer.settledFor('mine').then(() => {
      mine = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mine).toBe(false);
    await held.drain(writer);
    await waiting;
    expect(writer.stats().pending).toBe(0);
  });

  it('waits also for rows started while it waited', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    writer.write(record);
    const waiting = writer.settled();
    held.release();
    const second = writer.write(record).id;
    setTimeout(() => held.release(), 20);
    await waiting;
    expect(held.inserted).toContain(second);
  });

  it('says when more rows wait than it allows, so calls wait for theirs', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows }, undefined, 2);
    writer.write(record);
    writer.write(record);
    expect(writer.backlogged()).toBe(false);
    writer.write(record);
    expect(writer.backlogged()).toBe(true);
    await held.drain(writer);
    await writer.settled();
    expect(writer.backlogged()).toBe(false);
  });

  it("shapes a row (the processor's masking) only when it is written", async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    const shaped: string[] = [];
    writer.write({ ...record, answer: '/a?phone=4155550142' }, (row) => {
      shaped.push(row.answer ?? '');
      return { ...row, answer: '/a?phone=******0142' };
    });
    expect(shaped, 'not in the turn of the call').toEqual([]);
    await nextTurn();
    expect(shaped).toEqual(['/a?phone=4155550142']);
    held.release();
    await writer.settled();
  });

  it('logs and counts a failed insert, and never rejects', async () => {
    const errors: unknown[] = [];
    const writer = createCallLogWriter(
      { rows: (() => Promise.reject(new Error('connection lost'))) as unknown as Database['rows'] },
      { error: (...args: unknown[]) => errors.push(args) },
    );
    const { id, written } = writer.write(record);
    await expect(written).resolves.toBeUndefined();
    await writer.settled();
    expect(writer.stats()).toEqual({ pending: 0, failed: 1, batches: 1 });
    expect(JSON.stringify(errors)).toContain(id);
  });

  it('writes a row on the next turn when none is in flight, and the rows that came meanwhile in one statement', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    const first = writer.write(record).id;
    expect(held.statements).toEqual([]);
    await nextTurn();
    const later = [1, 2, 3].map(() => writer.write(record).id);
    expect(held.statements).toEqual([[first]]);
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(held.statements).toEqual([[first], later]);
    held.release();
    await writer.settled();
    expect(held.inserted).toEqual([first, ...later]);
    expect(writer.stats()).toEqual({ pending: 0, failed: 0, batches: 2 });
  });

  it('puts at most MAX_CALL_LOG_BATCH rows in one statement', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows }, undefined, 10_000);
    writer.write(record);
    await nextTurn();
    for (let i = 0; i < MAX_CALL_LOG_BATCH + 5; i++) writer.write(record);
    for (let i = 0; i < 3; i++) {
      held.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await writer.settled();
    expect(held.statements.map((ids) => ids.length)).toEqual([1, MAX_CALL_LOG_BATCH, 5]);
  });

  it('retries a refused batch row by row, so only the row the database refuses is lost', async () => {
    const errors: unknown[] = [];
    const inserted: string[] = [];
    // The first row's insert is held, so the next three go together in the second statement.
    let releaseFirst: (() => void) | null = null;
    let bad = '';
    const rows = (async (statement: { queryChunks: unknown[] }) => {
      const ids = idsOf(statement);
      if (!releaseFirst && inserted.length === 0 && ids.length === 1)
        await new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
      if (ids.includes(bad))
        throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
      inserted.push(...ids);
      return [];
    }) as unknown as Database['rows'];
    const writer = createCallLogWriter({ rows }, { error: (...args: unknown[]) => errors.push(args) });
    const first = writer.write(record).id;
    await nextTurn();
    const before = writer.write(record).id;
    bad = writer.write(record).id;
    const after = writer.write(record).id;
    (releaseFirst as unknown as () => void)();
    await writer.settled();
    expect(inserted).toEqual([first, before, after]);
    expect(writer.stats()).toMatchObject({ pending: 0, failed: 1 });
    expect(JSON.stringify(errors)).toContain(bad);
  });
});

describe('the call log writer, when a row or the database fails', () => {
  it('loses a record that JSON cannot hold alone, and writes the others', async () => {
    const held = heldRows();
    const errors: unknown[] = [];
    const writer = createCallLogWriter(
      { rows: held.rows },
      { error: (...args: unknown[]) => errors.push(args) },
    );
    const first = writer.write(record).id;
    const odd = writer.write({ ...record, logs: [{ size: 10n }] });
    const unshaped = writer.write(record, () => {
      throw new Error('cannot mask');
    });
    const after = writer.write(record).id;
    await expect(odd.written).resolves.toBeUndefined();
    await expect(unshaped.written).resolves.toBeUndefined();
    await held.drain(writer);
    expect(held.inserted).toEqual([first, after]);
    expect(writer.stats()).toMatchObject({ pending: 0, failed: 2 });
    expect(
      JSON.stringify(errors, (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    ).toContain(odd.id);
  });

  it('does not retry row by row when the database is away: every row of the batch is lost at once', async () => {
    let statements = 0;
    let releaseFirst: (() => void) | null = null;
    const rows = (async () => {
      statements += 1;
      if (statements === 1)
        await new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    }) as unknown as Database['rows'];
    const writer = createCallLogWriter({ rows }, { error: () => {} });
    writer.write(record);
    await nextTurn();
    for (let i = 0; i < 3; i++) writer.write(record);
    (releaseFirst as unknown as () => void)();
    await writer.settled();
    expect(statements).toBe(2);
    expect(writer.stats()).toMatchObject({ pending: 0, failed: 4, batches: 2 });
  });
});

describeEachDatabase('the call log writer on a database', (db) => {
  type Row = {
    id: string;
    at: string;
    outcome: string;
    error: unknown;
    params: unknown;
    call_id: string | null;
  };
  const read = (ids: string[]) =>
    db().database.rows<Row>(
      sql`select id::text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as at, outcome, error, params, call_id
        from call_log where id = any(${`{${ids.join(',')}}`}::uuid[]) order by at, id`,
    );

  it('writes a burst of rows in few statements, each row with its own values and the time of its call', async () => {
    const writer = createCallLogWriter(db().database);
    const base = Date.UTC(2026, 10, 24, 12, 0, 0);
    const ids = Array.from({ length: 30 }, (_, i) =>
      writer.write({
        ...record,
        at: new Date(base + i),
        callId: i % 2 ? `call-${i}` : null,
        outcome: i === 7 ? 'error' : 'answer',
        error: i === 7 ? { code: 'RULE_ERROR', message: 'boom' } : null,
        params: { sysparm_caller_name: `caller ${i}` },
      }),
    ).map((row) => row.id);
    await writer.settled();
    expect(writer.stats()).toMatchObject({ pending: 0, failed: 0 });
    expect(writer.stats().batches).toBeLessThan(30);
    const rows = await read(ids);
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(rows[3]).toEqual({
      id: ids[3],
      at: '2026-11-24T12:00:00.003',
      outcome: 'answer',
      error: null,
      params: { sysparm_caller_name: 'caller 3' },
      call_id: 'call-3',
    });
    expect(rows[7]).toMatchObject({
      outcome: 'error',
      error: { code: 'RULE_ERROR', message: 'boom' },
      call_id: 'call-7',
    });
  });

  it('loses only the row the database refuses when a batch fails', async () => {
    const errors: unknown[] = [];
    const writer = createCallLogWriter(db().database, { error: (...args: unknown[]) => errors.push(args) });
    const rows = ['a', 'b\u0000', 'c', 'd'].map((name) =>
      writer.write({ ...record, params: { sysparm_caller_name: name } }),
    );
    await writer.settled();
    const written = await read(rows.map((row) => row.id));
    expect(written.map((row) => row.params)).toEqual(
      expect.arrayContaining([
        { sysparm_caller_name: 'a' },
        { sysparm_caller_name: 'c' },
        { sysparm_caller_name: 'd' },
      ]),
    );
    expect(written).toHaveLength(3);
    expect(writer.stats()).toMatchObject({ pending: 0, failed: 1 });
    expect(JSON.stringify(errors)).toContain(rows[1]!.id);
  });
});
