/**
 * Two processes on one PostgreSQL (SPEC §12): two sets of services, each on its own pool, as two
 * server processes would be. A change made through one reaches the other's caches within a second.
 * PostgreSQL only: on PGlite one process owns the database and there is nothing to tell.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/accounts/accounts.ts';
import { createTableService } from '../../server/api/tables/service.ts';
import { loadConfig } from '../../server/config/env.ts';
import { closeServices, createServices } from '../../server/create-services.ts';
import { type ChangeKind, startChangeNotices } from '../../server/db/change-notices.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { columnDefinition } from '../../server/dictionary/definition.ts';
import { loadDictionary } from '../../server/dictionary/repository.ts';
import type { Services } from '../../server/services.ts';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { withDatabase } from '../helpers/global-setup.ts';

const agent: Actor = { kind: 'session', id: randomUUID(), username: 'change-test', role: 'agent' };

/** Polls `check` until it holds, for at most `ms`; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean> | boolean): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not seen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function listeners(database: Database): Promise<number> {
  const [row] = await database.rows<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and query = 'listen ctihost_changes'`,
  );
  return row?.n ?? 0;
}

// PostgreSQL only (LISTEN/NOTIFY); PGlite is one process by design.
describe.runIf(DATABASE_KINDS.includes('postgres'))(
  'change notices between processes on one PostgreSQL [postgres]',
  () => {
    let test: TestDatabase;
    let url: string;
    let otherPool: Database;
    let one: Services;
    let two: Services;

    beforeAll(async () => {
      test = await openTestDatabase('postgres');
      const [row] = await test.database.rows<{ name: string }>(sql`select current_database() as name`);
      url = withDatabase(process.env.TEST_DATABASE_URL!, row!.name);
      otherPool = await openDatabase({ kind: 'postgres', url, max: 4 });
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url });
      one = createServices(config, test.database, test.dictionary);
      two = createServices(config, otherPool, await loadDictionary(otherPool.db));
      await within(5_000, async () => (await listeners(test.database)) >= 2);
    }, 30_000);

    afterAll(async () => {
      if (one) await closeServices(one);
      if (two) await closeServices(two);
      await otherPool?.close();
      await test?.close();
    });

    it("shows a column added through one process to the other's reader within 1 s", async () => {
      const column = columnDefinition.parse({ name: 'u_shift_note', type: 'string', label: 'Shift note' });
      const before = await two.reader.select({ table: 'incident', query: '', limit: 1 });
      expect(Object.keys(before[0] ?? {})).not.toContain('u_shift_note');

      await createTableService(one).addColumn('incident', column);
      const ms = await within(1_000, async () => {
        const [row] = await two.reader.select({ table: 'incident', query: '', limit: 1 });
        return row !== undefined && 'u_shift_note' in row;
      });
      expect(ms).toBeLessThan(1_000);
      expect(two.reader.describe('incident')?.columns.some((c) => c.name === 'u_shift_note')).toBe(true);
    });

    it('lets a rule run by the other process call a function rule created through one within 1 s', async () => {
      expect(await two.rules.functionNames()).not.toContain('ShiftHelper');
      await one.rules.create(
        { name: 'ShiftHelper', script: "function ShiftHelper() { return 'shift'; }", clientCallable: false },
        'test',
      );
      await one.rules.create(
        { name: 'CallsShiftHelper', script: "answer = '/incident.do?n=' + ShiftHelper();" },
        'test',
      );

      let last: unknown;
      const ms = await within(1_000, async () => {
        last = await two.processor.processCall('sysparm_cti_rule=CallsShiftHelper', agent);
        return (last as { kind: string }).kind === 'answer';
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}: last outcome ${JSON.stringify(last)}`);
      });
      expect(ms).toBeLessThan(1_000);
      expect(last).toMatchObject({ kind: 'answer', location: expect.stringContaining('n=shift') });
    });

    it('runs a rule saved through one process in the other within 1 s (the other caches rule rows)', async () => {
      await one.rules.create({ name: 'ShiftPop', script: "answer = '/incident.do?v=1';" }, 'test');
      const first = await two.processor.processCall('sysparm_cti_rule=ShiftPop', agent);
      expect(first).toMatchObject({ kind: 'answer', location: '/incident.do?v=1' });
      const current = await one.rules.get('ShiftPop');
      await one.rules.save(
        'ShiftPop',
        { script: "answer = '/incident.do?v=2';", version: current.version },
        'test',
      );
      const ms = await within(1_000, async () => {
        const outcome = await two.processor.processCall('sysparm_cti_rule=ShiftPop', agent);
        return outcome.kind === 'answer' && outcome.location === '/incident.do?v=2';
      });
      expect(ms).toBeLessThan(1_000);
      await one.rules.setFlags('ShiftPop', { active: false }, 'test');
      await within(1_000, async () => {
        const outcome = await two.processor.processCall('sysparm_cti_rule=ShiftPop', agent);
        return outcome.kind === 'refused' && outcome.status === 404;
      });
    });

    it('refuses in the other process, within 1 s, a token revoked and a session ended through one', async () => {
      const { id, token } = await one.accounts.issueToken('shift-client', 'test');
      expect(await two.accounts.actorForToken(token)).toMatchObject({ kind: 'token', role: 'agent' });
      await one.accounts.revokeToken(id);
      expect(await one.accounts.actorForToken(token)).toBeNull();
      const ms = await within(1_000, async () => (await two.accounts.actorForToken(token)) === null);
      expect(ms).toBeLessThan(1_000);

      const account = await one.accounts.create(
        `shift.${randomUUID().slice(0, 8)}`,
        'a long password 1',
        'agent',
      );
      const session = await one.accounts.startSession(account.id);
      expect(await two.accounts.actorForSession(session.cookie)).toMatchObject({
        username: account.username,
      });
      await one.accounts.endSession(session.cookie);
      await within(1_000, async () => (await two.accounts.actorForSession(session.cookie)) === null);
    });

    it('reopens a lost listening connection and refreshes, and its backstop sees changes nobody announced', async () => {
      const seen: ChangeKind[] = [];
      const notices = startChangeNotices({
        database: otherPool,
        url,
        refresh: async (kind) => {
          seen.push(kind);
        },
        backstopMs: 200,
      });
      try {
        await within(5_000, () => seen.length >= 2);
        seen.length = 0;

        // A rule written behind every process's back: no notice, only the fingerprint changes.
        await test.database.rows(
          sql`insert into rules (name, script, client_callable, updated_by)
              values ('Unannounced', 'function Unannounced() {}', false, 'test')`,
        );
        await within(2_000, () => seen.includes('rules'));

        // The listening connections cut: each is reopened, and everything is refreshed after.
        seen.length = 0;
        await test.database.rows(
          sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and query = 'listen ctihost_changes'`,
        );
        await within(5_000, () => seen.includes('dictionary') && seen.includes('rules'));
        await within(5_000, async () => (await listeners(test.database)) >= 3);

        // And a notice sent after the cut still arrives (one that changes no fingerprint: only heard).
        seen.length = 0;
        const notice = JSON.stringify({ kind: 'dictionary', origin: 'another process' });
        await test.database.rows(sql`select pg_notify('ctihost_changes', ${notice})`);
        await within(1_000, () => seen.includes('dictionary'));
      } finally {
        await notices.close();
      }
    }, 30_000);
  },
);
