/**
 * A rule's tables travel with its start: after a first run has described them, the next runs of the
 * same rule version get their descriptions from the dictionary of the moment and make no describe call.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RecordReader } from '../../server/records/types.ts';
import { defaultHandlers } from '../../server/sandbox/host-calls.ts';
import { fakeReader, rule, show, testHost } from './fixtures.ts';

let extraColumn = false;
const reader: RecordReader = {
  ...fakeReader,
  describe: (table) => {
    const described = fakeReader.describe(table);
    if (!described || !extraColumn) return described;
    return {
      ...described,
      columns: [...described.columns, { name: 'u_desk', type: 'string', label: 'Desk' }],
    };
  },
};
const describeCalls = vi.fn(defaultHandlers.describe);
const host = testHost({ isolates: 1, reader, handlers: { describe: describeCalls } });
afterAll(() => host.close());

const SCRIPT = `
  var gr = new GlideRecord('sys_user');
  gr.addQuery('name', 'User 4');
  gr.query();
  gr.next();
  answer = '/x.do?name=' + gr.name + '&desk=' + gr.isValidField('u_desk') + '&none=' + new GlideRecord('no_such').isValid();`;

describe('table descriptions sent with the start of a run', () => {
  it('describes a table in the first run only, and still sees the dictionary change', async () => {
    const first = await host.run(rule(SCRIPT, 'Described'), {});
    expect(first.answer, show(first)).toBe('/x.do?name=User 4&desk=false&none=false');
    expect(describeCalls).toHaveBeenCalledTimes(2);

    const second = await host.run(rule(SCRIPT, 'Described'), {});
    expect(second.answer, show(second)).toBe('/x.do?name=User 4&desk=false&none=false');
    expect(describeCalls).toHaveBeenCalledTimes(2);

    extraColumn = true;
    const third = await host.run(rule(SCRIPT, 'Described'), {});
    expect(third.answer, show(third)).toBe('/x.do?name=User 4&desk=true&none=false');
    expect(describeCalls).toHaveBeenCalledTimes(2);
  });

  it('learns per rule version: another version describes again', async () => {
    describeCalls.mockClear();
    await host.run(rule(SCRIPT, 'Described', 2), {});
    expect(describeCalls).toHaveBeenCalledTimes(2);
  });
});

describe('table descriptions kept by a shared context', () => {
  let dictionary = {};
  let desk = false;
  const describeSpy = vi.fn((table: string) => {
    const described = fakeReader.describe(table);
    if (!described || !desk) return described;
    return {
      ...described,
      columns: [...described.columns, { name: 'u_desk', type: 'string', label: 'Desk' }],
    };
  });
  const tokened: RecordReader = { ...fakeReader, describe: describeSpy, dictionaryToken: () => dictionary };
  const shared = testHost({ isolates: 1, reader: tokened });
  afterAll(() => shared.close());

  it('sends each description once while the dictionary stays the same, and again after it changed', async () => {
    const first = await shared.run(rule(SCRIPT, 'Kept'), {});
    expect(first.answer, show(first)).toBe('/x.do?name=User 4&desk=false&none=false');
    const described = describeSpy.mock.calls.length;
    for (let i = 0; i < 3; i++) {
      const again = await shared.run(rule(SCRIPT, 'Kept'), {});
      expect(again.answer, show(again)).toBe('/x.do?name=User 4&desk=false&none=false');
    }
    expect(describeSpy.mock.calls.length, 'no description asked again').toBe(described);

    // A changed dictionary is a new object: the context drops what it held and gets the new one.
    desk = true;
    dictionary = {};
    const changed = await shared.run(rule(SCRIPT, 'Kept'), {});
    expect(changed.answer, show(changed)).toBe('/x.do?name=User 4&desk=true&none=false');
    expect(describeSpy.mock.calls.length).toBeGreaterThan(described);
  });
});
