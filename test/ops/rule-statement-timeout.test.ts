/**
 * A rule's query does not outlive its run. The sandbox stops a run at its wall limit, but PostgreSQL
 * would go on with the run's statement (a sort of a million incidents by their caller's name takes
 * minutes), holding a connection and a core: a few calls of such a rule would leave the pool to them.
 * So rules read on connections whose statements PostgreSQL stops shortly after the wall limit, and a
 * privileged call's transaction carries the same timeout. Made slow here by a lock held on the table.
 * Only with TEST_DATABASE_URL: PGlite is one engine in this process, and cannot stop a statement.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/env.ts';
import { closeServices, createServices } from '../../server/create-services.ts';
import type { Services } from '../../server/services.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { type TableLocker, tableLocker } from '../helpers/table-lock.ts';

const url = process.env.TEST_DATABASE_URL;
const WALL_MS = 300;
/** The wall limit, the backstop's grace (limit-watch.ts), and room for a loaded machine. */
const GONE_WITHIN_MS = WALL_MS + 250 + 1500;

describe.skipIf(!url)('a rule whose query is slower than its wall limit [postgres]', () => {
  let db: TestDatabase;
  let services: Services;
  let locker: TableLocker;

  /**
   * The record reader's statements still running on the server (waiting for the lock), known by the
   * start of their select list: pg_stat_activity keeps only a statement's first kilobyte.
   */
  const stillRunning = async () =>
    db.database.rows<{ query: string }>(
      sql`select query from pg_stat_activity
          where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
            and query like 'select "t0"."sys_id"::text as "sys_id"%'`,
    );

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    services = createServices(
      loadConfig({ LOG_LEVEL: 'silent', SANDBOX_WALL_MS: String(WALL_MS) }),
      db.database,
      db.dictionary,
    );
    await services.rules.create(
      {
        name: 'Writer',
        script:
          "function Writer() { var gr = new GlideRecord('incident'); gr.query(); return gr.getRowCount(); }",
        clientCallable: false,
      },
      'admin',
    );
    // Every read of task (incidents) waits for this lock until the test lets it go.
    locker = await tableLocker(db);
    await locker.lock('task');
    // Isolates started and warm: the runs below reach their query at once.
    await services.sandbox.run(
      { name: 'Warm', version: 1, script: "answer = '/w';", clientCallable: true },
      {},
    );
  }, 60_000);

  afterAll(async () => {
    await locker?.end();
    if (services) await closeServices(services);
    await db?.close();
  });

  async function waitUntilGone(): Promise<number> {
    const started = performance.now();
    while ((await stillRunning()).length > 0) {
      if (performance.now() - started > GONE_WITHIN_MS * 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return performance.now() - started;
  }

  it('stops the query on the server soon after the run is stopped at its wall limit', async () => {
    const running = services.sandbox.run(
      {
        name: 'Slow',
        version: 1,
        script: "var gr = new GlideRecord('incident'); gr.query(); answer = '/x';",
        clientCallable: true,
      },
      {},
    );
    let waiting = 0;
    for (let tries = 0; waiting === 0 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      waiting = (await stillRunning()).length;
    }
    expect(waiting, 'the query waits on the server while the run waits').toBe(1);
    const result = await running;
    expect(result.error?.code, JSON.stringify(result)).toBe('RULE_TIMEOUT');
    expect(await waitUntilGone()).toBeLessThan(GONE_WITHIN_MS);
  });

  it("stops a privileged call's statement too, so its transaction does not hold on", async () => {
    const result = await services.sandbox.run(
      { name: 'Caller', version: 1, script: "answer = '/x?n=' + Writer();", clientCallable: true },
      {},
      { functions: ['Writer'] },
    );
    expect(result.outcome, JSON.stringify(result)).toBe('error');
    expect(await waitUntilGone()).toBeLessThan(GONE_WITHIN_MS);
  });

  it('answers the next call as usual once the table is free', async () => {
    await locker.unlock();
    const result = await services.sandbox.run(
      {
        name: 'Fast',
        version: 1,
        script: "var gr = new GlideRecord('incident'); gr.setLimit(1); gr.query(); answer = '/ok';",
        clientCallable: true,
      },
      {},
    );
    expect(result.answer, JSON.stringify(result)).toBe('/ok');
  });
});
