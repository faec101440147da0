/**
 * DATABASE_POOL_MAX sizes each process's PostgreSQL pool: several processes (and `--workers`) on one
 * server must stay under its max_connections, so the operator sets how many each one keeps.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/env.ts';
import { openDatabase } from '../../server/db/database.ts';

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)('the PostgreSQL pool of a process [postgres]', () => {
  it('opens no more connections than DATABASE_POOL_MAX, however many queries wait', async () => {
    const config = loadConfig({ DATABASE_URL: url, DATABASE_POOL_MAX: '3' });
    const database = await openDatabase(config.database);
    try {
      expect(database.stats().maxConnections).toBe(3);
      const backends = await Promise.all(
        Array.from({ length: 9 }, () =>
          database.rows<{ pid: number }>(sql`select pg_backend_pid() as pid, pg_sleep(0.05)`),
        ),
      );
      const pids = new Set(backends.map(([row]) => row!.pid));
      expect(pids.size).toBeGreaterThanOrEqual(1);
      expect(pids.size).toBeLessThanOrEqual(3);
    } finally {
      await database.close();
    }
  });

  it("shares DATABASE_POOL_MAX with the rules' reads, each pool's statements with their own timeout", async () => {
    const config = loadConfig({ DATABASE_URL: url, DATABASE_POOL_MAX: '5' });
    const database = await openDatabase(config.database);
    try {
      const ruleReads = database.boundedRows(2250);
      const asked = (rows: typeof database.rows) =>
        Array.from({ length: 12 }, () =>
          rows<{ pid: number; timeout: string }>(
            sql`select pg_backend_pid() as pid, current_setting('statement_timeout') as timeout, pg_sleep(0.05)`,
          ),
        );
      const [general, rules] = await Promise.all([
        Promise.all(asked(database.rows)),
        Promise.all(asked(ruleReads.rows)),
      ]);
      const generalPids = new Set(general.map(([row]) => row!.pid));
      const rulePids = new Set(rules.map(([row]) => row!.pid));
      expect(generalPids.size + rulePids.size).toBeLessThanOrEqual(5);
      expect([...generalPids].filter((pid) => rulePids.has(pid))).toEqual([]);
      expect(new Set(rules.map(([row]) => row!.timeout))).toEqual(new Set(['2250ms']));
      // DATABASE_STATEMENT_TIMEOUT_MS's default (statement-timeout.test.ts).
      expect(new Set(general.map(([row]) => row!.timeout))).toEqual(new Set(['15s']));
    } finally {
      await database.close();
    }
  });
});
