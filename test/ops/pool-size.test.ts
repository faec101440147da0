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
});
