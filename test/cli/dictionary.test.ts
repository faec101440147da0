/** `ctihost dictionary pull|push FILE`: the data dictionary as a JSON file, added to and never dropped. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ctihost, describeEachCliDatabase } from './helpers.ts';

describeEachCliDatabase('ctihost dictionary', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-dict-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'dictionary.json');

  it('pulls the dictionary, and pushing it back adds nothing', async () => {
    const pulled = await ctihost(['dictionary', 'pull', file, ...db().args]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.tables.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['sys_user', 'task', 'incident', 'cmn_notif_device']),
    );
    const pushed = await ctihost(['dictionary', 'push', file, ...db().args]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('nothing to add');
  });

  it('adds the tables and columns a file declares', async () => {
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    exported.tables.push({
      name: 'hr_case',
      extends: 'task',
      numberPrefix: 'HRC',
      columns: [{ name: 'u_hr_topic', type: 'string' }],
    });
    exported.tables
      .find((t: { name: string }) => t.name === 'sys_user')
      .columns.push({ name: 'u_badge', type: 'string' });
    writeFileSync(file, JSON.stringify(exported));
    const pushed = await ctihost(['dictionary', 'push', file, '--json', ...db().args]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toEqual({
      tablesAdded: ['hr_case'],
      columnsAdded: ['sys_user.u_badge', 'hr_case.u_hr_topic'],
    });
    const pulled = await ctihost(['dictionary', 'pull', '-', ...db().args]);
    expect(
      JSON.parse(pulled.stdout).tables.find((t: { name: string }) => t.name === 'hr_case'),
    ).toMatchObject({
      extends: 'task',
      numberPrefix: 'HRC',
    });
  });

  it('refuses a file that is not a dictionary, or changes a column type, and adds nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tables: [{ name: 'Bad Name', columns: [] }] }));
    const invalid = await ctihost(['dictionary', 'push', bad, ...db().args]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('tables.0.name: must start with a lower-case letter');
    writeFileSync(
      bad,
      JSON.stringify({
        tables: [
          { name: 'u_new_table', columns: [{ name: 'u_x', type: 'string' }] },
          { name: 'sys_user', columns: [{ name: 'vip', type: 'string' }] },
        ],
      }),
    );
    const conflict = await ctihost(['dictionary', 'push', bad, ...db().args]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('column sys_user.vip exists as boolean, not string');
    const pulled = await ctihost(['dictionary', 'pull', '-', ...db().args]);
    expect(JSON.parse(pulled.stdout).tables.map((t: { name: string }) => t.name)).not.toContain(
      'u_new_table',
    );
  });
});
