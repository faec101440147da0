/**
 * The call log is written after the answer (server/processor/call-log-writer.ts): the id comes at
 * once, readers that wait for `settled()` see the row, and a failed insert is logged and counted,
 * never thrown at the call.
 */
import { describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { createCallLogWriter } from '../../server/processor/call-log-writer.ts';

const record = { rule: 'CTIProcessing', params: {}, outcome: 'answer', durationMs: 3 } as const;

/** rows() that holds each insert until released, remembering the ids it was given. */
function heldRows() {
  const inserted: string[] = [];
  const releases: (() => void)[] = [];
  const rows = ((statement: { queryChunks: unknown[] }) =>
    new Promise((resolve) => {
      const id = statement.queryChunks.find(
        (chunk): chunk is string => typeof chunk === 'string' && /^[0-9a-f-]{36}$/.test(chunk),
      );
      releases.push(() => {
        inserted.push(id!);
        resolve([{ id }]);
      });
    })) as unknown as Database['rows'];
  const release = () => {
    for (const next of releases.splice(0)) next();
  };
  return { rows, inserted, release };
}

describe('the call log writer', () => {
  it('gives the row id at once, and settles when the row is written', async () => {
    const held = heldRows();
    const writer = createCallLogWriter({ rows: held.rows });
    const { id } = writer.write(record);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(writer.stats()).toEqual({ pending: 1, failed: 0 });
    let settled = false;
    const waiting = writer.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    held.release();
    await waiting;
    expect(held.inserted).toEqual([id]);
    expect(writer.stats()).toEqual({ pending: 0, failed: 0 });
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
    held.release();
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
    held.release();
    await writer.settled();
    expect(writer.backlogged()).toBe(false);
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
    expect(writer.stats()).toEqual({ pending: 0, failed: 1 });
    expect(JSON.stringify(errors)).toContain(id);
  });
});
