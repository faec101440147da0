/**
 * The screens' and the API's statements do not run for as long as they like: the general pool's
 * connections carry DATABASE_STATEMENT_TIMEOUT_MS, so a slow list or import gives its connection back
 * (the call log shares that pool) and its caller a clear answer: 503 QUERY_TIMEOUT, or a page saying
 * the screen took too long; a stopped import writes nothing. Made slow here by a lock held on the
 * table. Only with TEST_DATABASE_URL: PGlite cannot stop a statement.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { type TableLocker, tableLocker } from '../helpers/table-lock.ts';
import { ABEL } from '../screens/helpers.ts';

const url = process.env.TEST_DATABASE_URL;
const TIMEOUT_MS = 300;

describe.skipIf(!url)('a screen or API statement slower than its timeout [postgres]', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let services: Services;
  let cookie: string;
  let locker: TableLocker;

  beforeAll(async () => {
    db = await openTestDatabase('postgres', { statementTimeoutMs: TIMEOUT_MS });
    ({ app, services } = await buildTestApp(db));
    cookie = await login(app);
    locker = await tableLocker(db);
  }, 60_000);

  afterAll(async () => {
    await locker?.end();
    await app?.close();
    await db?.close();
  });

  it("carries the timeout on the general pool's connections", async () => {
    const [row] = await db.database.rows<{ timeout: string }>(
      sql`select current_setting('statement_timeout') as timeout`,
    );
    expect(row!.timeout).toBe(`${TIMEOUT_MS}ms`);
  });

  it('answers a screen whose query was stopped with a page that says so, then shows it once the table is free', async () => {
    const screen = `/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`;
    await locker.lock('task');
    try {
      const started = performance.now();
      const stopped = await app.inject({
        method: 'GET',
        url: screen,
        headers: { cookie, accept: 'text/html' },
      });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 3000);
      expect(stopped.statusCode, stopped.body).toBe(503);
      expect(stopped.headers['content-type']).toMatch(/^text\/html/);
      expect(stopped.body).toContain('This screen took too long');
    } finally {
      await locker.unlock();
    }
    const shown = await app.inject({ method: 'GET', url: screen, headers: { cookie, accept: 'text/html' } });
    expect(shown.statusCode, shown.body).toBe(200);
  });

  it('answers an import whose statement was stopped with 503 QUERY_TIMEOUT, and writes none of it', async () => {
    const payload = [{ short_description: 'Stopped import', caller_id: ABEL }];
    const importing = () =>
      app.inject({ method: 'POST', url: '/api/tables/incident/records', headers: withCsrf(cookie), payload });
    await locker.lock('task');
    try {
      const stopped = await importing();
      expect(stopped.statusCode, stopped.body).toBe(503);
      expect(stopped.json().error).toEqual({
        code: 'QUERY_TIMEOUT',
        message: expect.stringContaining('DATABASE_STATEMENT_TIMEOUT_MS'),
      });
      expect(stopped.headers['retry-after'], 'the same query would be stopped again').toBeUndefined();
    } finally {
      await locker.unlock();
    }
    const written = await services.reader.select({
      table: 'incident',
      query: 'short_description=Stopped import',
      limit: 5,
    });
    expect(written).toEqual([]);
    const imported = await importing();
    expect(imported.statusCode, imported.body).toBe(200);
  });
});
