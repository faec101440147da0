/**
 * A statement made slow on purpose: a lock held on a business table from a connection of the test's
 * own, so that every statement on that table waits until the lock is released (PostgreSQL only).
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { TestDatabase } from './database.ts';

export type TableLocker = {
  /** Takes an access-exclusive lock on `biz.<table>` and returns once it is held. */
  lock(table: string): Promise<void>;
  /** Lets the lock go (if held) and waits until it is gone. */
  unlock(): Promise<void>;
  /** Unlocks and closes the locker's connection. */
  end(): Promise<void>;
};

export async function tableLocker(db: TestDatabase): Promise<TableLocker> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('tableLocker needs TEST_DATABASE_URL');
  const [current] = await db.database.rows<{ name: string }>(sql`select current_database() as name`);
  const target = new URL(url);
  target.pathname = `/${current!.name}`;
  const client = postgres(target.toString(), { max: 1, onnotice: () => {} });
  let release: (() => void) | undefined;
  let held: Promise<unknown> | undefined;
  const unlock = async () => {
    release?.();
    await held;
    release = undefined;
    held = undefined;
  };
  return {
    async lock(table) {
      if (!/^[a-z][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      held = client.begin(async (tx) => {
        await tx.unsafe(`lock table biz.${table} in access exclusive mode`);
        locked();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      await lockTaken;
    },
    unlock,
    async end() {
      await unlock();
      await client.end();
    },
  };
}
