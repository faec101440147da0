/**
 * Reads that follow from a read made ahead (server/sandbox/read-ahead.ts): a select holding a value
 * of the first row another read of the call's value found (`sys_id=<the user found>`) is made ahead
 * too, once that read is in, so the run starts with both and its isolate never waits on the database.
 */
import { describe, expect, it } from 'vitest';
import { createRecordReader } from '../../server/records/reader.ts';
import type { RecordReader, RecordRow, SelectRequest } from '../../server/records/types.ts';
import { defaultHandlers } from '../../server/sandbox/host-calls.ts';
import { ReadAhead, requestKey } from '../../server/sandbox/read-ahead.ts';
import { DEMO_USERS } from '../../server/seed/demo-fixtures.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { fakeReader, rule, show, testHost } from './fixtures.ts';

/** sys_user whose sys_ids are long enough to be told from the rest of a query (`id-0004`). */
const people: RecordRow[] = Array.from({ length: 20 }, (_, i) => ({
  sys_id: `id-${String(i).padStart(4, '0')}`,
  name: `User ${i}`,
  active: true,
}));

/** `field=value` conditions joined by ^ on `people`; every select is listed in `selects`. */
function peopleReader(onSelect?: (request: SelectRequest) => Promise<void>) {
  const selects: string[] = [];
  const reader: RecordReader = {
    describe: fakeReader.describe,
    count: fakeReader.count,
    async select(request) {
      selects.push(request.query);
      await onSelect?.(request);
      const conditions = request.query.split('^').map((condition) => condition.split('='));
      return people
        .filter((row) => conditions.every(([field, value]) => String(row[field!]) === value))
        .slice(0, request.limit);
    },
  };
  return { reader, selects };
}

const byName = (name: string): SelectRequest => ({ table: 'sys_user', query: `name=${name}`, limit: 1001 });
const byId = (id: string): SelectRequest => ({
  table: 'sys_user',
  query: `sys_id=${id}^active=true`,
  limit: 1,
});

/** One run of rule R for `name` that selects the user by name, then by the sys_id found. */
async function runOnce(ahead: ReadAhead, reader: RecordReader, name: string): Promise<void> {
  const run = ahead.start('R', { sysparm_caller_name: name }, reader);
  await run.handOut(1000, 50);
  const found = (await (run.take(byName(name)) ?? reader.select(byName(name))))[0];
  const id = String(found?.sys_id ?? 'none-found');
  await (run.take(byId(id)) ?? reader.select(byId(id)));
  ahead.learn('R', { sysparm_caller_name: name }, run);
}

describe('reads that follow from a read made ahead', () => {
  it('makes the select by the row found ahead too, with the new row, once that row is in', async () => {
    const { reader, selects } = peopleReader();
    const ahead = new ReadAhead();
    await runOnce(ahead, reader, 'User 2'); // learns the lookup by name
    await runOnce(ahead, reader, 'User 4'); // its rows known: learns the select that followed
    selects.length = 0;
    const run = ahead.start('R', { sysparm_caller_name: 'User 6' }, reader);
    expect(selects, 'the following read waits for the row it follows from').toEqual(['name=User 6']);
    const given = await run.handOut(1000, 50);
    expect(selects).toEqual(['name=User 6', 'sys_id=id-0006^active=true']);
    expect(given.map((read) => [read.key, JSON.parse(read.rowsJson)])).toEqual([
      [requestKey(byName('User 6')), [people[6]]],
      [requestKey(byId('id-0006')), [people[6]]],
    ]);
  });

  it('makes no following read when the read it follows finds nothing, fails, or comes after the run', async () => {
    const { reader, selects } = peopleReader();
    const ahead = new ReadAhead();
    await runOnce(ahead, reader, 'User 2');
    await runOnce(ahead, reader, 'User 4');

    selects.length = 0;
    await ahead.start('R', { sysparm_caller_name: 'Nobody' }, reader).handOut(1000, 50);
    expect(selects, 'no row, no value to follow with').toEqual(['name=Nobody']);

    const failing: RecordReader = { ...reader, select: () => Promise.reject(new Error('down')) };
    const failed = ahead.start('R', { sysparm_caller_name: 'User 8' }, failing);
    expect(await failed.handOut(1000, 50)).toEqual([]);

    let release!: () => void;
    const held = peopleReader((request) =>
      request.query.startsWith('name=') ? new Promise((resolve) => (release = resolve)) : Promise.resolve(),
    );
    const late = ahead.start('R', { sysparm_caller_name: 'User 10' }, held.reader);
    expect(await late.handOut(1000, 5), 'the read is still out').toEqual([]);
    late.end();
    release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(held.selects, 'nobody would take it after the run').toEqual(['name=User 10']);
  });

  it('hands in the rows of a following read made with its source as the JSON they came in', async () => {
    const { reader, selects } = peopleReader();
    const ahead = new ReadAhead();
    await runOnce(ahead, reader, 'User 2');
    await runOnce(ahead, reader, 'User 4');
    // As PostgreSQL's json_agg writes them: spaced and broken over lines, unlike JSON.stringify.
    const asTheDatabaseWrites = `[{"sys_id" : "id-0006", "name" : "User 6", "active" : true}]`;
    const together: RecordReader = {
      ...reader,
      async selectWithFollowing(request, following) {
        const asked = following.map((r) => [r.field, r.request.query.replace(r.placeholder, 'P')]);
        expect(asked).toEqual([['sys_id', 'sys_id=P^active=true']]);
        return { rows: await reader.select(request), following: [asTheDatabaseWrites] };
      },
    };
    selects.length = 0;
    const given = await ahead.start('R', { sysparm_caller_name: 'User 6' }, together).handOut(1000, 50);
    expect(selects, 'the following read is not made on its own').toEqual(['name=User 6']);
    expect(given).toEqual([
      { key: requestKey(byName('User 6')), rowsJson: JSON.stringify([people[6]]) },
      { key: requestKey(byId('id-0006')), rowsJson: asTheDatabaseWrites },
    ]);
  });

  it('drops a following template the runs stop needing, with the read it follows', async () => {
    const { reader, selects } = peopleReader();
    const ahead = new ReadAhead();
    await runOnce(ahead, reader, 'User 2');
    await runOnce(ahead, reader, 'User 4');
    // A run that selects by name only: the following read, needed once, is dropped.
    const run = ahead.start('R', { sysparm_caller_name: 'User 6' }, reader);
    await run.handOut(1000, 50);
    await run.take(byName('User 6'));
    ahead.learn('R', { sysparm_caller_name: 'User 6' }, run);
    selects.length = 0;
    await ahead.start('R', { sysparm_caller_name: 'User 8' }, reader).handOut(1000, 50);
    expect(selects).toEqual(['name=User 8']);
  });
});

/** A host of one isolate on `reader` whose selects through the host (not handed in) are listed. */
function hostListingSelects(reader: RecordReader) {
  const hostSelects: string[] = [];
  const host = testHost({
    isolates: 1,
    reader,
    handlers: {
      select: (payload, trace, deps) => {
        hostSelects.push(payload.query);
        return defaultHandlers.select(payload, trace, deps);
      },
    },
  });
  return { host, hostSelects };
}

describe('reads that follow, in the sandbox host', () => {
  it('runs a lookup and the select by the caller found with no host call, each traced where the rule made it', async () => {
    const { reader, selects } = peopleReader();
    const { host, hostSelects } = hostListingSelects(reader);
    const script = `var u = new GlideRecord('sys_user'); u.addQuery('name', sysparm_caller_name); u.query();
      var found = u.next() ? u.getUniqueValue() : 'nobody';
      var again = new GlideRecord('sys_user'); again.addQuery('sys_id', found); again.addActiveQuery();
      again.setLimit(1); again.query();
      answer = again.next() ? '/sys_user.do?sys_id=' + again.sys_id + '&name=' + again.name : '/none';`;
    try {
      for (const name of ['User 2', 'User 4']) {
        const warm = await host.run(rule(script, 'Follow'), { sysparm_caller_name: name });
        expect(warm.answer, show(warm)).toContain(name);
      }
      selects.length = 0;
      hostSelects.length = 0;
      const result = await host.run(rule(script, 'Follow'), { sysparm_caller_name: 'User 6' });
      expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=id-0006&name=User 6');
      expect(selects).toEqual(['name=User 6', 'sys_id=id-0006^active=true']);
      expect(hostSelects, 'neither select left the isolate').toEqual([]);
      expect(result.reads).toEqual([
        { table: 'sys_user', query: 'name=User 6', rows: 1 },
        { table: 'sys_user', query: 'sys_id=id-0006^active=true', rows: 1 },
      ]);
    } finally {
      await host.close();
    }
  });
});

describeEachDatabase('reads that follow, made with their source in one statement', (db) => {
  /** The record reader over the suite's database, every call to it listed. */
  function spiedReader(failTogether = false) {
    const calls: string[] = [];
    const real = createRecordReader({
      database: { rows: (query) => db().database.rows(query) },
      dictionary: () => db().dictionary,
      defaultRegion: 'US',
    });
    const reader: RecordReader = {
      describe: (table) => real.describe(table),
      count: (request) => real.count(request),
      select(request) {
        calls.push(`select ${request.table} ${request.query}`);
        return real.select(request);
      },
      selectWithFollowing(request, following) {
        calls.push(
          `together ${request.table} ${request.query} + ${following.map((f) => f.request.query).join(', ')}`,
        );
        const made = real.selectWithFollowing!(request, following);
        return failTogether && made ? made.then(() => Promise.reject(new Error('statement failed'))) : made;
      },
    };
    return { reader, calls };
  }
  const script = `var u = new GlideRecord('sys_user'); u.addQuery('user_name', sysparm_caller_id); u.query();
    var found = u.next() ? u.getUniqueValue() : 'nobody';
    var inc = new GlideRecord('incident'); inc.addQuery('caller_id', found); inc.addActiveQuery(); inc.query();
    var numbers = []; while (inc.next()) numbers.push(inc.getValue('number'));
    answer = '/' + found + '/' + numbers.join(',');`;
  const [abel, beth, john] = DEMO_USERS;

  async function thirdRun(failTogether: boolean) {
    const { reader, calls } = spiedReader(failTogether);
    const { host, hostSelects } = hostListingSelects(reader);
    try {
      for (const user of [beth!, john!])
        await host.run(rule(script, 'Together'), { sysparm_caller_id: user.user_name });
      calls.length = 0;
      hostSelects.length = 0;
      const result = await host.run(rule(script, 'Together'), { sysparm_caller_id: abel!.user_name });
      const incidents = await reader.select({
        table: 'incident',
        query: `caller_id=${abel!.sys_id}^active=true`,
        limit: 1000,
      });
      expect(incidents.length, 'the demo caller has open incidents').toBeGreaterThan(0);
      expect(result.answer, show(result)).toBe(
        `/${abel!.sys_id}/${incidents.map((row) => row.number).join(',')}`,
      );
      expect(hostSelects, 'neither select left the isolate').toEqual([]);
      expect(result.reads).toEqual([
        { table: 'sys_user', query: `user_name=${abel!.user_name}`, rows: 1 },
        { table: 'incident', query: `caller_id=${abel!.sys_id}^active=true`, rows: incidents.length },
      ]);
      return calls.slice(0, -1); // the last is this test's own select
    } finally {
      await host.close();
    }
  }

  it('makes the lookup and the select by the caller it finds as one statement', async () => {
    expect(await thirdRun(false)).toEqual([
      `together sys_user user_name=${abel!.user_name} + caller_id=f0110000-0000-4000-8000-00000000f011^active=true`,
    ]);
  });

  it('makes each read on its own when that statement fails', async () => {
    expect(await thirdRun(true)).toEqual([
      `together sys_user user_name=${abel!.user_name} + caller_id=f0110000-0000-4000-8000-00000000f011^active=true`,
      `select sys_user user_name=${abel!.user_name}`,
      `select incident caller_id=${abel!.sys_id}^active=true`,
    ]);
  });
});
