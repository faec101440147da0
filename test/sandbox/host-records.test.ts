/**
 * The host over the real record reader on both databases: what a rule reads, the row limit counted
 * by the database, and a database failure that reaches the rule only as a generic line.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { createRecordReader } from '../../server/records/reader.ts';
import type { SandboxHost } from '../../server/sandbox/types.ts';
import { DEMO_USERS } from '../../server/seed/demo-fixtures.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { rule, show, TEST_LIMITS, testHost } from './fixtures.ts';

const abel = DEMO_USERS[0]!;

describeEachDatabase('sandbox host with the record reader', (db) => {
  const hosts: SandboxHost[] = [];
  afterAll(async () => {
    for (const host of hosts) await host.close();
  });
  const hostWith = (options: Parameters<typeof testHost>[0] = {}) => {
    const { database, dictionary } = db();
    const host = testHost({
      isolates: 1,
      reader: createRecordReader({ database, dictionary: () => dictionary, defaultRegion: 'US' }),
      ...options,
    });
    hosts.push(host);
    return host;
  };

  it('finds a caller by phone in any format and answers with the record', async () => {
    const script = `var u = new GlideRecord('sys_user');
      u.addQuery('phone', sysparm_caller_phone);
      u.addActiveQuery();
      u.query();
      answer = u.next() ? '/sys_user.do?sys_id=' + u.sys_id + '&name=' + u.user_name : '/none';`;
    const result = await hostWith().run(rule(script), { sysparm_caller_phone: '+14155550142' });
    expect(result.answer, show(result)).toBe(`/sys_user.do?sys_id=${abel.sys_id}&name=${abel.user_name}`);
    expect(result.reads[0], show(result)).toMatchObject({ table: 'sys_user', rows: 1 });
  });

  it('refuses a query that would return more rows than allowed, and lets a limited one through', async () => {
    const host = hostWith({ limits: { ...TEST_LIMITS, maxRows: 5 } });
    const all = await host.run(rule("var u = new GlideRecord('sys_user'); u.query(); answer = '/all';"), {});
    expect(all.error, show(all)).toMatchObject({
      code: 'RULE_ROWS',
      details: { limit: 5, table: 'sys_user' },
    });
    const limited = await host.run(
      rule(
        "var u = new GlideRecord('sys_user'); u.setLimit(5); u.query(); var n = 0; while (u.next()) n++; answer = '/' + n + '/' + new GlideRecord('sys_user').getRowCount();",
      ),
      {},
    );
    expect(limited.answer, show(limited)).toMatch(/^\/5\/\d+$/);
  });

  it('hides a database failure from the rule and logs it', async () => {
    const { dictionary } = db();
    const logger = { warn: vi.fn(), error: vi.fn() };
    const failing = {
      rows: async () => {
        throw new Error('connection to /work/main/data refused');
      },
    };
    const host = testHost({
      isolates: 1,
      logger,
      reader: createRecordReader({ database: failing, dictionary: () => dictionary, defaultRegion: 'US' }),
    });
    hosts.push(host);
    const result = await host.run(rule("new GlideRecord('sys_user').query();"), {});
    expect(result.error?.message, show(result)).toMatch(
      /the select call failed on the server; the detail is in the server log$/,
    );
    expect(JSON.stringify(result)).not.toContain('/work/');
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ op: 'select' }),
      'sandbox host call failed',
    );
  });
});
