/**
 * What must stay closed: no SQL through table names, field names, values or encoded queries, and
 * no system table readable, described or even named by an error message.
 */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RESERVED_TABLE_NAMES } from '../../server/dictionary/definition.ts';
import type { ParsedQuery } from '../../server/records/encoded-query.ts';
import { buildCount, buildSelect } from '../../server/records/select-statement.ts';
import { RecordError } from '../../server/records/types.ts';
import { upsertRecords } from '../../server/records/upsert.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { readerFor, refusal } from './helpers.ts';

const SYSTEM_TABLES = [
  ...RESERVED_TABLE_NAMES,
  'pg_tables',
  'pg_class',
  'information_schema',
  'pg_catalog',
  'public',
  'biz',
];
const TABLE_NAMES = [
  'accounts',
  'dict_tables',
  'dict_columns',
  'rules',
  'sessions',
  'api_tokens',
  'call_log',
  'pg_catalog.pg_tables',
  'biz.sys_user',
  'public.accounts',
  'sys_user; drop table biz.sys_user',
  '"sys_user"',
  'SYS_USER',
  'sys_user ',
  '__proto__',
  'constructor',
  'nope',
  '',
];
const FIELD_NAMES = [
  'name;drop table x',
  '"name"',
  'name) or (1=1',
  "name' or '1'='1",
  'phone__e164',
  'NAME',
  'sys_user.name',
  'pg_catalog.pg_tables',
  'caller_id.accounts',
  '__proto__',
  '',
];

const where = (field: string): ParsedQuery => ({
  groups: [[[{ field, operator: '=', value: 'x' }]]],
  orderBy: [],
});

describeEachDatabase('record reader security', (db) => {
  const reader = readerFor(db);

  beforeAll(async () => {
    const { database, dictionary } = db();
    await upsertRecords({ database, dictionary, defaultRegion: 'US', actor: 'test' }, 'sys_user', [
      { user_name: 'odd.one', name: `O'Brien "100%_off" \\ back^slash`, phone: "'; drop table x; --" },
    ]);
  });

  // Whatever was tried, the tables are still there and the reader still answers.
  afterEach(async () => {
    expect(await reader.count({ table: 'sys_user', query: 'user_name=abel.tuter' })).toBe(1);
    const [{ n }] = (await db().database.rows<{ n: number }>(
      sql`select count(*)::int as n from biz.sys_user`,
    )) as [{ n: number }];
    expect(n).toBeGreaterThan(200);
  });

  describe('table names', () => {
    it.each(TABLE_NAMES)('%j is an unknown table, for select, count and describe alike', async (name) => {
      const message = `unknown table '${name}'`;
      expect(await refusal(reader.select({ table: name, query: '', limit: 1 }))).toBe(message);
      expect(await refusal(reader.count({ table: name, query: '' }))).toBe(message);
      expect(reader.describe(name)).toBeUndefined();
      // The message echoes the name asked for and names nothing else.
      const rest = message.replace(name, '');
      for (const system of SYSTEM_TABLES) expect(rest).not.toContain(system);
    });
  });

  describe('field names', () => {
    it.each(FIELD_NAMES)('%j is refused before any SQL is written', async (field) => {
      const first = field.split('.')[0]!;
      const expected =
        field === 'caller_id.accounts' ? 'sys_user has no field accounts' : `sys_user has no field ${first}`;
      const table = field === 'caller_id.accounts' ? 'incident' : 'sys_user';
      const { dictionary } = db();
      const ordered: ParsedQuery = { groups: [], orderBy: [{ field, descending: false }] };
      for (const query of [where(field), ordered]) {
        expect(() => buildSelect(dictionary, { table, query, limit: 1 }, { defaultRegion: 'US' })).toThrow(
          new RecordError(expected),
        );
        expect(() => buildCount(dictionary, { table, query }, { defaultRegion: 'US' })).toThrow(
          new RecordError(expected),
        );
      }
    });

    it.each([
      'name;drop table x=1',
      '"name"=x',
      'name) or (1=1=x',
      "name' or '1'='1",
      'name=x^ORname;drop table biz.sys_user',
      'ORDERBYname desc; drop table x',
      'name=x^NQ1=1',
    ])('the encoded query %j is refused as malformed', async (query) => {
      expect(await refusal(reader.select({ table: 'sys_user', query, limit: 1 }))).toMatch(
        /^invalid encoded query part '.+': /,
      );
    });
  });

  describe('values', () => {
    it.each([
      ["name=x' or '1'='1", 0],
      ["name=x'; drop table biz.sys_user; --", 0],
      ['name=\\', 0],
      ['nameSTARTSWITH%', 0],
      ['nameCONTAINS_', 1],
      ['nameCONTAINS%_off', 1],
      ['nameCONTAINS\\', 1],
      ['nameENDSWITH\\ back^^slash', 1],
      [`name=O'Brien "100%_off" \\ back^^slash`, 1],
      [`nameIN${'O\'Brien "100%_off" \\ back^^slash'},x`, 1],
      ["phone='; drop table x; --", 1],
      ['phone=1 or 1=1', 0],
      ['sys_id=00000000-0000-0000-0000-000000000000 or 1=1', 0],
      ["vip=true' or '1'='1", 0],
      ['sys_created_on>now()', 0],
      ["user_nameINabel.tuter') or ('1'='1", 0],
    ])('%j is a value, nothing more', async (query, expected) => {
      expect(await reader.count({ table: 'sys_user', query })).toBe(expected);
    });

    it('binds every value as a parameter, and names only checked identifiers', () => {
      const marker = "x'; drop table y; --";
      const query: ParsedQuery = {
        groups: [
          [
            [
              { field: 'caller_id.name', operator: 'CONTAINS', value: marker },
              { field: 'short_description', operator: 'IN', value: `${marker},b` },
              { field: 'caller_id.phone', operator: '=', value: marker },
            ],
          ],
        ],
        orderBy: [{ field: 'caller_id.name', descending: true }],
      };
      const built = buildSelect(
        db().dictionary,
        { table: 'incident', query, limit: 5 },
        { defaultRegion: 'US' },
      );
      const { sql: text, params } = new PgDialect().sqlToQuery(built.statement);
      expect(text).not.toContain('drop table');
      expect(params.join('|')).toContain(marker);
      expect(text).not.toMatch(/accounts|dict_|rules|sessions|public\./);
    });
  });
});
