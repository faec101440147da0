/**
 * The record reader's SQL builder (server/records/sql-text.ts) against drizzle's `sql`, which it
 * replaced on the hot path: the same pieces give the same text and the same bound values, in order.
 */
import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { renderSql } from '../../server/db/render-sql.ts';
import {
  identifier,
  joinSql,
  rawSql,
  replaceBoundValue,
  type SqlText,
  sqlText,
  toDrizzle,
} from '../../server/records/sql-text.ts';

const dialect = new PgDialect();
const asDrizzle = (statement: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { sql: text, params };
};
const ours = (text: SqlText) => asDrizzle(toDrizzle(text));

describe('SqlText', () => {
  it('renders nested templates, identifiers, raw text and values as drizzle does', () => {
    const column = (name: string) => sqlText`${identifier('t0')}.${identifier(name)}`;
    const drizzleColumn = (name: string) => sql`${sql.identifier('t0')}.${sql.identifier(name)}`;
    const condition = sqlText`(${column('name')} = lower(${'Abel'}::text) or ${column('age')} ${rawSql('>=')} ${42}::integer)`;
    const drizzleCondition = sql`(${drizzleColumn('name')} = lower(${'Abel'}::text) or ${drizzleColumn('age')} ${sql.raw('>=')} ${42}::integer)`;
    const statement = sqlText`select ${joinSql([column('a'), column('b')], ', ')} from x where ${condition} and ${true} limit ${10}`;
    const drizzleStatement = sql`select ${sql.join([drizzleColumn('a'), drizzleColumn('b')], sql`, `)} from x where ${drizzleCondition} and ${true} limit ${10}`;
    expect(ours(statement)).toEqual(asDrizzle(drizzleStatement));
    expect(ours(statement).params).toEqual(['Abel', 42, true, 10]);
    expect(renderSql(toDrizzle(statement))).toEqual(ours(statement));
  });

  it('escapes a double quote in an identifier as drizzle does, and never binds it', () => {
    const text = sqlText`select ${identifier('we"ird')} from ${identifier('biz')}.${identifier('t')}`;
    expect(ours(text)).toEqual(
      asDrizzle(sql`select ${sql.identifier('we"ird')} from ${sql.identifier('biz')}.${sql.identifier('t')}`),
    );
    expect(text.values).toEqual([]);
  });

  it('binds a value that looks like SQL, rather than writing it into the text', () => {
    const hostile = "x'; drop table accounts; --";
    const { sql: text, params } = ours(sqlText`select 1 where name = ${hostile}`);
    expect(text).toBe('select 1 where name = $1');
    expect(params).toEqual([hostile]);
  });

  it('joins nothing to empty text, and one item to itself', () => {
    expect(ours(joinSql([], ' or '))).toEqual({ sql: '', params: [] });
    expect(ours(joinSql([sqlText`a = ${1}`], ' or '))).toEqual({ sql: 'a = $1', params: [1] });
    expect(ours(joinSql([sqlText`a = ${1}`, sqlText`b = ${2}`], ' or '))).toEqual({
      sql: 'a = $1 or b = $2',
      params: [1, 2],
    });
  });
});

describe('replaceBoundValue', () => {
  const where = sqlText`a = ${'x'}::uuid and b = ${'y'}::text and c < ${3}::integer`;

  it('writes the one binding of the value that the cast follows as the replacement, the rest still bound', () => {
    const replaced = replaceBoundValue(where, 'y', '::text', sqlText`lower(${'z'})`);
    expect(replaced && ours(replaced)).toEqual({
      sql: 'a = $1::uuid and b = lower($2)::text and c < $3::integer',
      params: ['x', 'z', 3],
    });
  });

  it('declines a value bound twice, not bound, or bound with another cast', () => {
    const twice = sqlText`a = ${'x'}::uuid or b = ${'x'}::uuid`;
    expect(replaceBoundValue(twice, 'x', '::uuid', rawSql('v'))).toBeNull();
    expect(replaceBoundValue(where, 'absent', '::uuid', rawSql('v'))).toBeNull();
    expect(replaceBoundValue(where, 'y', '::uuid', rawSql('v'))).toBeNull();
  });
});
