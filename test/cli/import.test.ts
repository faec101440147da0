/** `ctihost import TABLE FILE`: streamed, validated row by row, bad rows named with their line and reason. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { storageTable } from '../../server/records/sql-values.ts';
import { ctihost, describeEachCliDatabase, inspect } from './helpers.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

/** A ServiceNow-style CSV export of users: every value quoted, booleans as true/false, empty as null. */
function usersCsv(count: number, bad: Map<number, Record<string, string>>, prefix: string): string {
  const header = [
    'sys_id',
    'user_name',
    'name',
    'email',
    'phone',
    'vip',
    'active',
    'sys_created_on',
    'sys_created_by',
  ];
  const lines = [header.map((h) => `"${h}"`).join(',')];
  for (let i = 0; i < count; i++) {
    const row: Record<string, string> = {
      sys_id: '',
      user_name: `${prefix}.${i}`,
      name: `Imported User ${i}`,
      email: `${prefix}.${i}@example.com`,
      phone: `(212) 555-${String(i % 10_000).padStart(4, '0')}`,
      vip: i % 7 === 0 ? 'true' : 'false',
      active: 'true',
      sys_created_on: '2024-03-01 14:05:00',
      sys_created_by: 'admin',
      ...bad.get(i),
    };
    lines.push(header.map((h) => `"${row[h]!.replace(/"/g, '""')}"`).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describeEachCliDatabase('ctihost import', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const count = (table: string, where: ReturnType<typeof sql>) =>
    inspect(db(), async (database) => {
      const [row] = await database.rows<{ n: number }>(
        sql`select count(*)::int as n from ${storageTable(table)} where ${where}`,
      );
      return row!.n;
    });

  it('imports a CSV export, refusing exactly the bad rows and naming their lines and problems', async () => {
    const file = join(dir, 'users.csv');
    const bad = new Map([
      [100, { vip: 'maybe' }],
      [1200, { email: 'not-an-email' }],
      [1998, { active: 'sometimes', sys_id: 'xyz' }],
    ]);
    writeFileSync(file, usersCsv(2000, bad, 'csv.user'));
    const result = await ctihost(['import', 'sys_user', file, ...db().args]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '2,000 rows read, 1,997 imported (1,997 inserted, 0 updated), 3 rejected',
    );
    expect(result.stdout).toContain('line 102: vip: expected true or false');
    expect(result.stdout).toContain('line 1202: email: expected an email address');
    expect(result.stdout).toContain(
      'line 2000: sys_id: expected a sys_id (32 hex digits or a uuid); active: expected true or false',
    );
    expect(await count('sys_user', sql`user_name like 'csv.user.%'`)).toBe(1997);
    const [stored] = await inspect(db(), (database) =>
      database.rows(
        sql`select vip, active, phone__e164 from ${storageTable('sys_user')} where user_name = 'csv.user.7'`,
      ),
    );
    expect(stored).toEqual({ vip: true, active: true, phone__e164: '+12125550007' });
  });

  it('updates on a second import, matched by user_name', async () => {
    const file = join(dir, 'again.ndjson');
    writeFileSync(file, `${JSON.stringify({ user_name: 'csv.user.1', title: 'Buyer' })}\n`);
    const result = await ctihost(['import', 'sys_user', file, '--json', ...db().args]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 1, inserted: 0, updated: 1, rejected: 0 });
  });

  it('reads a ServiceNow JSON export ({"records": […]}), references as {value, link}', async () => {
    const file = join(dir, 'incident.json');
    writeFileSync(
      file,
      JSON.stringify({
        records: [
          {
            short_description: 'Imported one',
            caller_id: { value: ABEL.replace(/-/g, ''), link: 'x' },
            priority: '2',
          },
          { short_description: 'Ghost caller', caller_id: '00000000-0000-0000-0000-000000000009' },
          { short_description: 'Imported two', priority: 'urgent!!' },
          { short_description: 'Imported three', state: '' },
        ],
      }),
    );
    const result = await ctihost(['import', 'incident', file, '--json', ...db().args]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ read: 4, inserted: 2, rejected: 2 });
    expect(summary.rejections).toEqual([
      { position: 'record 3', problems: ['priority: expected a whole number'] },
      {
        position: 'record 2',
        problems: ['caller_id: no sys_user with sys_id 00000000-0000-0000-0000-000000000009'],
      },
    ]);
  });

  it('names NDJSON lines that are not JSON, and leaves out unknown fields when asked', async () => {
    const file = join(dir, 'users.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ user_name: 'nd.one', name: 'Nd One', u_shoe_size: 42 }),
        '{"user_name": "nd.two",',
        '',
        JSON.stringify({ user_name: 'nd.three', name: 'Nd Three' }),
      ].join('\n'),
    );
    const strict = await ctihost(['import', 'sys_user', file, ...db().args]);
    expect(strict.code, strict.stderr).toBe(0);
    expect(strict.stdout).toContain('line 1: sys_user has no field u_shoe_size');
    expect(strict.stdout).toMatch(/line 2: not JSON: /);
    expect(strict.stdout).toContain('--skip-unknown-fields');
    const lenient = await ctihost([
      'import',
      'sys_user',
      file,
      '--skip-unknown-fields',
      '--json',
      ...db().args,
    ]);
    expect(JSON.parse(lenient.stdout)).toMatchObject({
      read: 3,
      rejected: 1,
      skippedFields: ['u_shoe_size'],
    });
    expect(await count('sys_user', sql`user_name in ('nd.one', 'nd.three')`)).toBe(2);
  });

  it('exits 2 for a table that does not exist or a file it cannot read, 1 for a broken JSON file', async () => {
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'name\nx\n');
    const table = await ctihost(['import', 'accounts', file, ...db().args]);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('no business table named accounts');
    const missing = await ctihost(['import', 'sys_user', join(dir, 'nope.csv'), ...db().args]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const format = await ctihost(['import', 'sys_user', join(dir, 'users.txt'), ...db().args]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('cannot tell the format');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[{"user_name": "b.one"}, {"user_name": ');
    const stopped = await ctihost(['import', 'sys_user', broken, ...db().args]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`the import of ${broken} stopped`);
  });
});
