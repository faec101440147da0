/** Writes: refused in a client-callable rule, sent to the `write` host op in a non-client-callable one. */
import { describe, expect, test } from 'vitest';
import { answerOf, INC1, runRule } from './runtime-harness.ts';

const refusal = (what: string) =>
  `Error: ${what} is not allowed in the client-callable rule CTIProcessing: writes belong in a non-client-callable function (see SPEC §8)`;

describe('in a client-callable rule', () => {
  test.each([
    ['initialize()', 'gr.initialize();', 'GlideRecord.initialize()'],
    ['newRecord()', 'gr.newRecord();', 'GlideRecord.newRecord()'],
    ['setValue()', "gr.setValue('short_description', 'x');", 'GlideRecord.setValue()'],
    ['assignment', "gr.short_description = 'x';", 'Assigning GlideRecord.short_description'],
    ['element setValue()', "gr.short_description.setValue('x');", 'GlideElement.setValue()'],
    ['insert()', 'gr.insert();', 'GlideRecord.insert()'],
    ['update()', 'gr.update();', 'GlideRecord.update()'],
    ['deleteRecord()', 'gr.deleteRecord();', 'GlideRecord.deleteRecord()'],
    ['deleteMultiple()', 'gr.deleteMultiple();', 'GlideRecord.deleteMultiple()'],
    ['updateMultiple()', 'gr.updateMultiple();', 'GlideRecord.updateMultiple()'],
  ])('%s throws, naming the method and the rule', (_name, body, what) => {
    const result = runRule(`var gr = new GlideRecord('incident'); gr.get('${INC1}'); ${body}`, {
      ruleName: 'CTIProcessing',
    });
    expect(result.error).toBe(refusal(what));
    expect(result.calls.some((c) => c.op === 'write')).toBe(false);
  });

  test('GlideRecordSecure names itself; the error can be caught, the record is unchanged', () => {
    const script = `var gr = new GlideRecordSecure('incident'); gr.get('${INC1}');
      try { gr.short_description = 'x'; } catch (e) { answer = e.message + '|' + gr.short_description; }`;
    expect(answerOf(script, { ruleName: 'CTIProcessing' })).toBe(
      `${refusal('Assigning GlideRecordSecure.short_description').slice(7)}|VPN^down`,
    );
  });
});

describe('in a non-client-callable function', () => {
  const privileged = {
    clientCallable: false,
    override: (op: string) => (op === 'write' ? 'written' : undefined),
  };
  const writes = (script: string) =>
    runRule(script, privileged)
      .calls.filter((c) => c.op === 'write')
      .map((c) => c.payload);

  test('initialize, setValue, assignment and insert send one insert with the fields set', () => {
    const result = runRule(
      `var gr = new GlideRecord('incident'); gr.initialize(); gr.setValue('short_description', 'Inbound call');
       gr.priority = 2; gr.active = true; gr.caller_id = null; var id = gr.insert();
       answer = [id, gr.getUniqueValue(), gr.isNewRecord(), gr.short_description, gr.priority == 2].join();`,
      { clientCallable: false, override: (op) => (op === 'write' ? 'new-sys-id' : undefined) },
    );
    expect(result.answer).toBe('new-sys-id,new-sys-id,false,Inbound call,true');
    expect(result.calls.filter((c) => c.op === 'write').map((c) => c.payload)).toEqual([
      {
        table: 'incident',
        operation: 'insert',
        fields: { short_description: 'Inbound call', priority: 2, active: true, caller_id: null },
      },
    ]);
  });

  test('update sends the changed fields of the current record; elements and dates give their values', () => {
    const script = `var gr = new GlideRecord('incident'); gr.get('${INC1}'); var other = new GlideRecord('incident'); other.get('INC0000003');
      gr.short_description = other.short_description; gr.setValue('opened_at', new GlideDateTime('2026-02-03 04:05:06')); gr.update();`;
    expect(writes(script)).toEqual([
      {
        table: 'incident',
        operation: 'update',
        sysId: INC1,
        fields: { short_description: 'Laptop', opened_at: '2026-02-03 04:05:06' },
      },
    ]);
  });

  test('update of a new record inserts it; deleteRecord deletes the current one', () => {
    expect(
      writes("var gr = new GlideRecord('incident'); gr.newRecord(); gr.number = 'INC1'; gr.update();"),
    ).toEqual([{ table: 'incident', operation: 'insert', fields: { number: 'INC1' } }]);
    expect(writes(`var gr = new GlideRecord('incident'); gr.get('${INC1}'); gr.deleteRecord();`)).toEqual([
      { table: 'incident', operation: 'delete', sysId: INC1, fields: {} },
    ]);
    expect(
      answerOf("var gr = new GlideRecord('incident'); answer = String(gr.deleteRecord());", privileged),
    ).toBe('false');
  });

  test('deleteMultiple and updateMultiple write every matching record', () => {
    expect(
      writes("var gr = new GlideRecord('incident'); gr.addQuery('priority', '>', 2); gr.deleteMultiple();"),
    ).toEqual([
      { table: 'incident', operation: 'delete', sysId: '11111111-0000-4000-8000-000000000002', fields: {} },
    ]);
    const update =
      "var gr = new GlideRecord('incident'); gr.addActiveQuery(); gr.setValue('state', 7); gr.updateMultiple();";
    expect(writes(update).map((w) => [w.operation, w.sysId, w.fields])).toEqual([
      ['update', INC1, { state: 7 }],
      ['update', '11111111-0000-4000-8000-000000000002', { state: 7 }],
    ]);
  });

  test('unknown fields and tables are refused before the host is asked', () => {
    expect(answerOf("var gr = new GlideRecord('incident'); gr.setValue('nope', 1);", privileged)).toBe(
      "Error: GlideRecord.setValue(): the table incident has no field 'nope'",
    );
    expect(answerOf("var gr = new GlideRecord('nope'); gr.initialize();", privileged)).toBe(
      'Error: Invalid table name: nope',
    );
    expect(
      answerOf(
        "var gr = new GlideRecord('incident'); answer = [gr.canWrite(), gr.canCreate()].join();",
        privileged,
      ),
    ).toBe('true,true');
  });

  test("the host's refusal of a write is an error the rule can catch", () => {
    const script =
      "var gr = new GlideRecord('incident'); gr.initialize(); try { gr.insert(); } catch (e) { answer = e.message; }";
    const refused = runRule(script, { clientCallable: false });
    expect(refused.answer).toBe('fake host: write is not supported');
  });
});
