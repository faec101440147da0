import { describe, expect, it } from 'vitest';
import { dictionaryFile, tableDefinition } from '../../server/dictionary/definition.ts';
import { Dictionary } from '../../server/dictionary/model.ts';
import { SHIPPED_TABLES } from '../../server/dictionary/shipped.ts';

const problems = (input: unknown) => {
  const result = tableDefinition.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('table definitions', () => {
  it('accepts the shipped dictionary and a shop table extending task', () => {
    expect(() => dictionaryFile.parse({ tables: SHIPPED_TABLES })).not.toThrow();
    expect(
      problems({
        name: 'hr_case',
        extends: 'task',
        numberPrefix: 'HRC',
        columns: [
          { name: 'u_caller_authenticated', type: 'boolean' },
          { name: 'u_subject_person', type: 'reference', reference: 'sys_user' },
          { name: 'hr_service', type: 'choice', choices: [{ value: 'payroll', label: 'Payroll' }] },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    [{ name: 'Bad-Name' }, 'name: must start with a lower-case letter and hold only a-z, 0-9 and _'],
    [{ name: 'accounts' }, 'name: is the name of a system table'],
    [{ name: 'dict_tables' }, 'name: is the name of a system table'],
    [{ name: 'pg_shadow' }, 'name: must not start with pg_ (kept by PostgreSQL)'],
    [{ name: 'x"; drop table rules; --' }, 'name: must start with a lower-case letter'],
    [{ name: 'a__b' }, 'name: must not contain a double underscore'],
    [{ name: `t${'x'.repeat(70)}` }, 'name: must be at most 60 characters'],
    [{ name: 'loop', extends: 'loop' }, 'extends: a table cannot extend itself'],
    [
      { name: 't', columns: [{ name: 'sys_id', type: 'string' }] },
      'columns.0.name: is a system field every table already has',
    ],
    [
      { name: 't', columns: [{ name: 'r', type: 'reference' }] },
      'columns.0.reference: a reference column must name the table it refers to',
    ],
    [{ name: 't', columns: [{ name: 'x', type: 'money' }] }, 'columns.0.type:'],
    [
      {
        name: 't',
        columns: [
          { name: 'a', type: 'string' },
          { name: 'a', type: 'integer' },
        ],
      },
      'columns.1.name: column a is declared twice',
    ],
    [
      { name: 't', columns: [{ name: 'p', type: 'integer', choices: [{ value: 'x', label: 'X' }] }] },
      'the choices of an integer column must be integers',
    ],
    [{ name: 't', numberPrefix: 'inc' }, 'numberPrefix: must be 2 to 8 upper-case letters'],
    [{ name: 't', surprise: true }, 'Unrecognized key'],
  ])('refuses %j', (input, message) => {
    expect(problems(input).join('\n')).toContain(message);
  });
});

describe('the dictionary in memory', () => {
  const dictionary = new Dictionary(
    [
      {
        name: 'task',
        label: 'Task',
        extends: null,
        storage: 'task',
        numberPrefix: 'TASK',
        displayField: 'number',
      },
      {
        name: 'incident',
        label: 'Incident',
        extends: 'task',
        storage: 'task',
        numberPrefix: 'INC',
        displayField: null,
      },
      {
        name: 'p1_incident',
        label: 'P1',
        extends: 'incident',
        storage: 'task',
        numberPrefix: null,
        displayField: null,
      },
    ],
    [
      {
        table: 'task',
        name: 'number',
        type: 'string',
        label: 'Number',
        reference: null,
        choices: null,
        position: 0,
      },
      {
        table: 'incident',
        name: 'u_flag',
        type: 'boolean',
        label: 'Flag',
        reference: null,
        choices: null,
        position: 0,
      },
    ],
  );

  it('inherits columns, classes and number prefixes down the hierarchy', () => {
    expect(dictionary.get('task')!.classes).toEqual(['task', 'incident', 'p1_incident']);
    expect(dictionary.get('incident')!.classes).toEqual(['incident', 'p1_incident']);
    expect([...dictionary.get('p1_incident')!.columns.keys()]).toEqual([
      'sys_id',
      'sys_class_name',
      'sys_created_on',
      'sys_updated_on',
      'number',
      'u_flag',
    ]);
    expect(dictionary.get('task')!.columns.has('u_flag')).toBe(false);
    expect(dictionary.get('p1_incident')).toMatchObject({
      numberPrefix: 'INC',
      numberSequenceOf: 'incident',
      displayField: 'number',
    });
  });

  it('exports own columns only, parents first, in a form that parses back', () => {
    const file = dictionary.toFile();
    expect(file.tables.map((t) => t.name)).toEqual(['task', 'incident', 'p1_incident']);
    expect(file.tables[1]!.columns.map((c) => c.name)).toEqual(['u_flag']);
    expect(() => dictionaryFile.parse(file)).not.toThrow();
  });
});
