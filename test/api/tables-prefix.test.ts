/** Number prefixes of new tables under a numbered parent: derived from the name, never shared. No database. */
import { describe, expect, it } from 'vitest';
import { assignNumberPrefixes, derivePrefix } from '../../server/api/tables/number-prefix.ts';
import { tableDefinition } from '../../server/dictionary/definition.ts';
import { Dictionary } from '../../server/dictionary/model.ts';

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
      name: 'sys_user',
      label: 'User',
      extends: null,
      storage: 'sys_user',
      numberPrefix: null,
      displayField: null,
    },
  ],
  [],
);
const define = (input: unknown) => tableDefinition.parse(input);

describe('derivePrefix', () => {
  it.each([
    ['hr_case', [], 'HRC'],
    ['u_service_call', [], 'SER'],
    ['hr_case', ['HRC'], 'HRCA'],
    ['hr', [], 'HR'],
    ['x', [], 'XX'],
    ['u_a1', [], 'AX'],
    ['hr', ['HR'], 'HRAA'],
  ])('%s with %j taken → %s', (name, taken, expected) => {
    expect(derivePrefix(name, new Set(taken))).toBe(expected);
  });
});

describe('assignNumberPrefixes', () => {
  it('derives a prefix for a new child of a numbered table, and for its own children in the same file', () => {
    const result = assignNumberPrefixes(dictionary, [
      define({ name: 'u_hr_task', extends: 'hr_case' }),
      define({ name: 'hr_case', extends: 'task' }),
      define({ name: 'u_plain' }),
      define({ name: 'u_person', extends: 'sys_user' }),
    ]);
    expect(result.map((d) => [d.name, d.numberPrefix])).toEqual([
      ['u_hr_task', 'HRT'],
      ['hr_case', 'HRC'],
      ['u_plain', undefined],
      ['u_person', undefined],
    ]);
  });

  it('keeps a given prefix, and refuses one another table numbers with', () => {
    expect(
      assignNumberPrefixes(dictionary, [define({ name: 'hr_case', extends: 'task', numberPrefix: 'HR' })])[0],
    ).toMatchObject({ numberPrefix: 'HR' });
    expect(() =>
      assignNumberPrefixes(dictionary, [define({ name: 'hr_case', extends: 'task', numberPrefix: 'TASK' })]),
    ).toThrow('number prefix TASK is already used by task; give hr_case a prefix of its own');
    expect(() =>
      assignNumberPrefixes(dictionary, [
        define({ name: 'u_a', extends: 'task', numberPrefix: 'AB' }),
        define({ name: 'u_b', extends: 'task', numberPrefix: 'AB' }),
      ]),
    ).toThrow('number prefix AB is already used by u_a; give u_b a prefix of its own');
  });

  it('leaves tables that exist as they are', () => {
    expect(
      assignNumberPrefixes(dictionary, [define({ name: 'incident', columns: [] })])[0],
    ).not.toHaveProperty('numberPrefix');
  });
});
