import { beforeAll, expect, it } from 'vitest';
import { applyDefinitions } from '../../server/dictionary/apply.ts';
import { tableDefinition } from '../../server/dictionary/definition.ts';
import { Dictionary } from '../../server/dictionary/model.ts';
import { createRecordReader } from '../../server/records/reader.ts';
import { upsertRecords } from '../../server/records/upsert.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, readerFor, refusal } from './helpers.ts';

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeEachDatabase('record reader', (db) => {
  const reader = readerFor(db);
  let plainTask = '';

  beforeAll(async () => {
    const current = db();
    const ctx = () => ({
      database: current.database,
      dictionary: current.dictionary,
      defaultRegion: 'US',
      actor: 'test',
    });
    // A child of task beside incident, and a table two references away from sys_user.
    const applied = await applyDefinitions(current.database, [
      tableDefinition.parse({
        name: 'hr_case',
        extends: 'task',
        numberPrefix: 'HRC',
        columns: [{ name: 'u_topic', type: 'string' }],
      }),
      tableDefinition.parse({
        name: 'u_call',
        columns: [{ name: 'u_incident', type: 'reference', reference: 'incident' }],
      }),
    ]);
    current.dictionary = applied.dictionary;
    const task = await upsertRecords(ctx(), 'task', [
      { short_description: 'Plain task for the reader', caller_id: ABEL },
    ]);
    plainTask = task.sysIds[0]!;
    await upsertRecords(ctx(), 'hr_case', [
      { short_description: 'Benefits question', caller_id: ABEL, u_topic: 'benefits' },
    ]);
    const [inc1] = await reader.values('incident', 'number=INC0000001', 'sys_id');
    await upsertRecords(ctx(), 'u_call', [{ u_incident: inc1 }]);
    // Journals only grow: the second import appends an entry.
    await upsertRecords(ctx(), 'incident', [{ number: 'INC0000002', work_notes: 'first note' }]);
    await upsertRecords(ctx(), 'incident', [{ number: 'INC0000002', work_notes: 'second note' }]);
  });

  it('gives rows as a rule sees them', async () => {
    const [abel] = await reader.select({ table: 'sys_user', query: 'user_name=abel.tuter', limit: 10 });
    expect(abel).toMatchObject({
      sys_id: ABEL,
      sys_class_name: 'sys_user',
      name: 'Abel Tuter',
      phone: '(415) 555-0142',
      vip: true,
      active: true,
      mobile_phone: null,
    });
    expect(abel!.sys_created_on).toMatch(DATETIME);
    expect(Object.keys(abel!).filter((key) => key.includes('__'))).toEqual([]);
    const [incident] = await reader.select({ table: 'incident', query: 'number=INC0000001', limit: 1 });
    expect(incident).toMatchObject({
      number: 'INC0000001',
      state: 2,
      priority: 2,
      active: true,
      caller_id: ABEL,
      opened_at: '2026-01-02 09:00:00',
    });
    expect(incident!.sys_id).toMatch(UUID);
  });

  it('reads journals as the text of their entries, newest first', async () => {
    const [incident] = await reader.select({ table: 'incident', query: 'number=INC0000002', limit: 1 });
    expect(incident!.work_notes).toBe('second note\n\nfirst note');
    expect(incident!.comments).toBeNull();
    expect(await reader.values('incident', 'work_notesCONTAINSSECOND', 'number')).toEqual(['INC0000002']);
    expect(
      await reader.values('incident', `caller_id=${ABEL}^work_notesISEMPTY^ORDERBYnumber`, 'number'),
    ).toEqual(['INC0000001', 'INC0000003']);
  });

  it('returns the rows of child tables from a parent, and only a table and its children from a child', async () => {
    const byClass = async (table: string) =>
      (
        await reader.select({
          table,
          query: `caller_id=${ABEL}^ORDERBYsys_class_name^ORDERBYnumber`,
          limit: 100,
        })
      ).map((r) => r.sys_class_name);
    expect(await byClass('task')).toEqual(['hr_case', 'incident', 'incident', 'incident', 'task']);
    expect(await byClass('incident')).toEqual(['incident', 'incident', 'incident']);
    expect(await byClass('hr_case')).toEqual(['hr_case']);
    expect(await reader.values('incident', `sys_id=${plainTask}`, 'number')).toEqual([]);
    expect(await reader.values('task', `sys_class_name=TASK^caller_id=${ABEL}`, 'sys_id')).toEqual([
      plainTask,
    ]);
    // A task row carries task's columns; the child's own are read from the child.
    const [hr] = await reader.select({ table: 'task', query: 'sys_class_name=hr_case', limit: 1 });
    expect(hr).not.toHaveProperty('u_topic');
    expect(await reader.values('hr_case', 'u_topic=Benefits', 'short_description')).toEqual([
      'Benefits question',
    ]);
  });

  it('dot-walks through references, any depth, each hop checked', async () => {
    expect(await reader.count({ table: 'incident', query: 'caller_id.name=abel tuter' })).toBe(3);
    expect(
      await reader.values('incident', 'caller_id.user_name=abel.tuter^active=true^ORDERBYnumber', 'number'),
    ).toEqual(['INC0000001', 'INC0000002']);
    expect(await reader.count({ table: 'u_call', query: 'u_incident.caller_id.name=Abel Tuter' })).toBe(1);
    expect(await reader.count({ table: 'u_call', query: 'u_incident.caller_id.phone=415.555.0142' })).toBe(1);
    expect(await reader.count({ table: 'u_call', query: 'u_incident.caller_id.name=Beth Anglin' })).toBe(0);
    expect(await refusal(reader.count({ table: 'u_call', query: 'u_incident.caller_id.foo=1' }))).toBe(
      'sys_user has no field foo',
    );
    expect(await refusal(reader.count({ table: 'incident', query: 'number.name=x' }))).toBe(
      'incident.number is not a reference field, so number.name cannot be dot-walked',
    );
  });

  it('combines OR, AND and NQ as the platform does', async () => {
    const numbers = (query: string) => reader.values('incident', `${query}^ORDERBYnumber`, 'number');
    expect(await numbers('number=INC0000001^ORnumber=INC0000004^active=true')).toEqual(['INC0000001']);
    expect(await numbers('active=true^number=INC0000001^ORnumber=INC0000004')).toEqual(['INC0000001']);
    expect(await numbers('number=INC0000001^NQnumber=INC0000004')).toEqual(['INC0000001', 'INC0000004']);
    expect(await numbers('number=INC0000003^active=true^NQnumber=INC0000004^ORnumber=INC0000002')).toEqual([
      'INC0000002',
      'INC0000004',
    ]);
  });

  it('orders, limits and counts', async () => {
    const smiths = (query: string, limit = 10, offset = 0) =>
      reader
        .select({ table: 'sys_user', query: `last_name=smith^first_name=john^${query}`, limit, offset })
        .then((rows) => rows.map((r) => r.user_name));
    expect(await smiths('ORDERBYuser_name')).toEqual(['john.smith', 'john.smith2']);
    expect(await smiths('ORDERBYDESCuser_name')).toEqual(['john.smith2', 'john.smith']);
    expect(await smiths('ORDERBYDESCuser_name', 1)).toEqual(['john.smith2']);
    expect(await smiths('ORDERBYDESCuser_name', 1, 1)).toEqual(['john.smith']);
    expect(await smiths('ORDERBYuser_name', 0)).toEqual([]);
    expect(await reader.values('incident', `caller_id=${ABEL}^ORDERBYDESCnumber`, 'number')).toEqual([
      'INC0000003',
      'INC0000002',
      'INC0000001',
    ]);
    // Dot-walked order: Abel's incident before Beth's.
    expect(
      await reader.values('incident', 'numberININC0000004,INC0000001^ORDERBYcaller_id.name', 'number'),
    ).toEqual(['INC0000001', 'INC0000004']);
    expect(
      await reader.values('incident', 'numberININC0000004,INC0000001^ORDERBYDESCcaller_id.name', 'number'),
    ).toEqual(['INC0000004', 'INC0000001']);
    expect(await reader.count({ table: 'incident', query: `active=true^caller_id=${ABEL}` })).toBe(2);
    expect(await reader.count({ table: 'sys_user', query: '' })).toBeGreaterThanOrEqual(200);
    expect((await reader.select({ table: 'sys_user', query: '', limit: 1000 })).length).toBe(
      await reader.count({ table: 'sys_user', query: '' }),
    );
    expect(await refusal(reader.select({ table: 'sys_user', query: '', limit: -1 }))).toBe(
      'limit must be a whole number, 0 or more',
    );
    expect(await refusal(reader.select({ table: 'sys_user', query: '', limit: 1, offset: 0.5 }))).toBe(
      'offset must be a whole number, 0 or more',
    );
    expect(await refusal(reader.select({ table: 'sys_user', query: 'ORDERBYnope', limit: 1 }))).toBe(
      'sys_user has no field nope',
    );
  });

  it('describes business tables, and nothing else', () => {
    const incident = reader.describe('incident')!;
    expect(incident).toMatchObject({
      name: 'incident',
      label: 'Incident',
      extends: 'task',
      displayField: 'number',
    });
    expect(incident.columns.find((c) => c.name === 'caller_id')).toMatchObject({
      type: 'reference',
      reference: 'sys_user',
    });
    expect(incident.columns.find((c) => c.name === 'state')!.choices).toContainEqual({
      value: 2,
      label: 'In Progress',
    });
    expect(incident.columns.map((c) => c.name)).not.toContain('phone__e164');
    expect(reader.describe('accounts')).toBeUndefined();
    expect(reader.describe('nope')).toBeUndefined();
  });

  it('reads the dictionary on every call, so a change is seen at once', async () => {
    let dictionary: Dictionary = db().dictionary;
    const live = createRecordReader({
      database: db().database,
      dictionary: () => dictionary,
      defaultRegion: 'US',
    });
    expect(await live.count({ table: 'hr_case', query: '' })).toBe(1);
    dictionary = new Dictionary([], []);
    expect(live.describe('hr_case')).toBeUndefined();
    expect(await refusal(live.count({ table: 'hr_case', query: '' }))).toBe("unknown table 'hr_case'");
  });
});
