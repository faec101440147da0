/** `ctihost dry-run`: a rule from the database or a file, with a call's parameters; writes rolled back. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { storageTable } from '../../server/records/sql-values.ts';
import { ctihost, describeEachCliDatabase, inspect } from './helpers.ts';

const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';

describeEachCliDatabase('ctihost dry-run', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-dry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the shipped rule file on the demo data and prints the answer (the acceptance command)', async () => {
    const result = await ctihost([
      'dry-run',
      '--file',
      'rules/CTIProcessing.js',
      '--param',
      'sysparm_caller_phone=+14155550142',
      ...db().args,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`answer   /sys_user.do?sys_id=${ABEL}&sysparm_view=cti`);
    expect(result.stdout).toContain('outcome  answer');
    expect(result.stdout).toMatch(/reads \(3\)\n {2}sys_user {2}active=true\^phone=\+14155550142/);
  });

  it('prints the JSON of POST /api/dry-run, and rolls back the writes of the function it calls', async () => {
    const result = await ctihost([
      'dry-run',
      '--url',
      'https://cti.example/cti.do?sysparm_task_id=INC0010001&sysparm_caller_name=Nobody%20Known',
      '--json',
      ...db().args,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ outcome: 'answer', rule: 'CTIProcessing' });
    expect(body.answer).toMatch(/^\/incident\.do\?sys_id=[0-9a-f-]{36}&sysparm_view=cti$/);
    expect(body.writes).toEqual([
      expect.objectContaining({
        table: 'task',
        operation: 'update',
        fields: { work_notes: 'Inbound call from Nobody Known' },
      }),
    ]);
    const notes = await inspect(db(), (database) =>
      database.rows<{ notes: string }>(
        sql`select work_notes::text as notes from ${storageTable('task')} where number = 'INC0010001'`,
      ),
    );
    expect(notes[0]!.notes).not.toContain('Nobody Known');
  });

  it('exits 1 on a rule failure, naming it', async () => {
    const file = join(dir, 'u_throws.js');
    writeFileSync(file, 'throw new Error("no luck today");');
    const result = await ctihost(['dry-run', '--file', file, ...db().args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('outcome  error: RULE_ERROR');
    expect(result.stdout).toContain('no luck today');
  });

  it('exits 1 on an answer that leaves the site', async () => {
    const file = join(dir, 'u_evil.js');
    writeFileSync(file, 'answer = "javascript:alert(1)";');
    const result = await ctihost(['dry-run', '--file', file, '--json', ...db().args]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('BAD_ANSWER');
  });

  it('exits 2 for a rule that does not exist or is not client-callable', async () => {
    const missing = await ctihost(['dry-run', '--rule', 'NoSuchRule', ...db().args]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no rule named NoSuchRule');
    const callee = await ctihost(['dry-run', '--rule', 'ctiRecordTaskCall', ...db().args]);
    expect(callee.code).toBe(2);
    expect(callee.stderr).toContain('ctiRecordTaskCall is not client-callable');
  });
});
