/**
 * A read and the reads that follow from its first row in one statement (following-select.ts): the
 * same rows, in the same order and shapes, as the reads made one after the other.
 */
import { expect, it } from 'vitest';
import type { FollowingRead, RecordRow, SelectRequest } from '../../server/records/types.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { readerFor } from './helpers.ts';

const PLACEHOLDER = 'f0110000-0000-4000-8000-00000000f011';

const following = (
  field: string,
  table: string,
  query: (value: string) => string,
  limit: number,
): FollowingRead & { at(value: string): SelectRequest } => ({
  field,
  request: { table, query: query(PLACEHOLDER), limit },
  placeholder: PLACEHOLDER,
  at: (value) => ({ table, query: query(value), limit }),
});

const byCaller = following('sys_id', 'incident', (id) => `caller_id=${id}^ORDERBYDESCnumber`, 5);
const openTasks = following('sys_id', 'task', (id) => `active=true^caller_id=${id}`, 1000);

describeEachDatabase('a read with the reads that follow from its first row', (db) => {
  const reader = readerFor(db);

  /** The statement's rows, against the source read and each following read made on their own. */
  async function expectSameAsApart(
    source: SelectRequest,
    reads: ReturnType<typeof following>[],
  ): Promise<RecordRow[]> {
    const together = await reader.selectWithFollowing(source, reads);
    const rows = await reader.select(source);
    expect(together?.rows).toEqual(rows);
    const first = rows[0];
    for (const [index, read] of reads.entries()) {
      const value = first?.[read.field];
      if (typeof value !== 'string') {
        expect(together?.following[index]).toBeNull();
        continue;
      }
      expect(JSON.parse(together?.following[index] ?? 'null')).toEqual(await reader.select(read.at(value)));
    }
    return rows;
  }

  it('gives the source rows and each following read of its first row, as read apart', async () => {
    const rows = await expectSameAsApart({ table: 'sys_user', query: 'active=true^ORDERBYname', limit: 5 }, [
      byCaller,
      openTasks,
    ]);
    expect(rows.length).toBe(5);
    // The first user by name has incidents in the demo data: the comparison is not of empty lists.
    expect((await reader.select(byCaller.at(String(rows[0]!.sys_id)))).length).toBeGreaterThan(0);
  });

  it('follows the first row of the page asked for: another order, an offset', async () => {
    for (const offset of [0, 1, 3])
      await expectSameAsApart({ table: 'sys_user', query: 'ORDERBYDESCname', limit: 4, offset }, [byCaller]);
  });

  it('gives no following rows when the source finds nothing', async () => {
    const together = await reader.selectWithFollowing(
      { table: 'sys_user', query: 'name=Nobody At All', limit: 10 },
      [byCaller],
    );
    expect(together).toEqual({ rows: [], following: [null] });
  });

  it('declines, at once, what the database alone cannot put in the query', () => {
    const source = { table: 'sys_user', query: 'active=true', limit: 10 };
    // A field that is no sys_id or reference: the builder may change such values before binding them.
    expect(reader.selectWithFollowing(source, [{ ...byCaller, field: 'name' }])).toBeNull();
    // The value inside a pattern, a list of values, or not in the query at all.
    for (const query of [
      `caller_idLIKE${PLACEHOLDER}`,
      `caller_idIN${PLACEHOLDER},${PLACEHOLDER}`,
      'active=true',
    ])
      expect(
        reader.selectWithFollowing(source, [
          { ...byCaller, request: { table: 'incident', query, limit: 5 } },
        ]),
      ).toBeNull();
    // A placeholder the builder would rewrite, and a query that does not compile.
    expect(
      reader.selectWithFollowing(source, [{ ...byCaller, placeholder: PLACEHOLDER.toUpperCase() }]),
    ).toBeNull();
    expect(
      reader.selectWithFollowing(source, [
        { ...byCaller, request: { table: 'incident', query: `no_such_field=${PLACEHOLDER}`, limit: 5 } },
      ]),
    ).toBeNull();
  });
});
