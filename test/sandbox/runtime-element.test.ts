/** GlideElement: how a field converts, its display value, dot-walking and getRefRecord. */
import { describe, expect, test } from 'vitest';
import { ABEL, answerOf, BETH, INC1, INC3, runRule, selects } from './runtime-harness.ts';

/** `inc` is positioned on INC0000001 (priority 2, state 2, caller Abel, category network). */
const onIncident = (expression: string) =>
  answerOf(`var inc = new GlideRecord('incident'); inc.get('${INC1}'); answer = String(${expression});`);
const onAbel = (expression: string) =>
  answerOf(`var u = new GlideRecord('sys_user'); u.get('${ABEL}'); answer = String(${expression});`);

describe('conversions', () => {
  test.each([
    ['inc.priority == 2', 'true'],
    ["inc.priority == '2'", 'true'],
    ['inc.priority === 2', 'false'],
    ['inc.state > 1', 'true'],
    ['inc.priority + 1', '3'],
    ["'x' + inc.sys_id", `x${INC1}`],
    ['inc.active == true', 'true'],
    ['inc.active == false', 'false'],
    ['typeof inc.number', 'object'],
    ['inc.number.toString()', 'INC0000001'],
    ["inc.number == 'INC0000001'", 'true'],
    ['inc.caller_id == u_id()', 'true'],
    ['inc.opened_at > "2026-01-01"', 'true'],
    ['inc.number instanceof GlideElement', 'true'],
    ["inc.getValue('active')", '1'],
    ["inc.getValue('priority')", '2'],
    ["inc.getValue('short_description')", 'VPN^down'],
    ["inc.getValue('nope')", 'null'],
    ["inc.getValue('caller_id.name')", 'Abel Tuter'],
    ['inc.priority.getValue()', '2'],
    ['inc.active.getValue()', '1'],
  ])('%s is %s', (expression, expected) => {
    const script = `function u_id() { return '${ABEL}'; } var inc = new GlideRecord('incident'); inc.get('${INC1}'); answer = String(${expression});`;
    expect(answerOf(script)).toBe(expected);
  });

  test('empty fields', () => {
    expect(
      onAbel(
        "[u.phone.nil(), u.name.nil(), u.employee_number + '', u.getValue('user_name'), u.vip == true].join()",
      ),
    ).toBe('false,false,E00001,abel.tuter,true');
    const script = `var gr = new GlideRecord('sys_user'); gr.get('${BETH}'); answer = [gr.phone.nil(), gr.phone + '', gr.getValue('phone'), gr.phone.getDisplayValue(), gr.vip == false, gs.nil(gr.phone)].join();`;
    expect(answerOf(script)).toBe('true,,,,true,true');
  });

  test('an element keeps the value of its row after next()', () => {
    const script =
      "var gr = new GlideRecord('incident'); gr.orderBy('number'); gr.query(); var kept = []; while (gr.next()) kept.push(gr.number); answer = kept.join();";
    expect(answerOf(script)).toBe('INC0000001,INC0000002,INC0000003');
  });

  test('fields read before next() are empty', () => {
    expect(
      answerOf("var gr = new GlideRecord('incident'); answer = '[' + gr.number + ']' + gr.number.nil();"),
    ).toBe('[]true');
  });
});

describe('display values', () => {
  test.each([
    ["inc.getDisplayValue('priority')", '2 - High'],
    ['inc.state.getDisplayValue()', 'In Progress'],
    ["inc.getDisplayValue('category')", 'Network'],
    ["inc.getDisplayValue('caller_id')", 'Abel Tuter'],
    ['inc.caller_id.getDisplayValue()', 'Abel Tuter'],
    ['inc.active.getDisplayValue()', 'true'],
    ['inc.getDisplayValue()', 'INC0000001'],
    ["inc.getDisplayValue('nope')", ''],
  ])('%s is %s', (expression, expected) => {
    expect(onIncident(expression)).toBe(expected);
  });
});

describe('element metadata', () => {
  test.each([
    ['inc.caller_id.getName()', 'caller_id'],
    ['inc.caller_id.getLabel()', 'Caller'],
    ['inc.caller_id.getTableName()', 'incident'],
    ['inc.caller_id.getReferenceTable()', 'sys_user'],
    ['inc.caller_id.name.getTableName()', 'sys_user'],
    [
      '[inc.priority.getED().getInternalType(), inc.priority.getED().isChoiceTable(), inc.caller_id.getED().getReference()].join()',
      'integer,true,sys_user',
    ],
    [
      '[inc.number.changes(), inc.number.changesTo(1), inc.number.changesFrom(1)].join()',
      'false,false,false',
    ],
    ["inc.getElement('caller_id.name') + ''", 'Abel Tuter'],
  ])('%s is %s', (expression, expected) => {
    expect(onIncident(expression)).toBe(expected);
  });
});

describe('references', () => {
  test('dot-walking, two levels deep, through lookups cached for the run', () => {
    const result = runRule(
      `var inc = new GlideRecord('incident'); inc.get('${INC1}');
       answer = [inc.caller_id.name, inc.caller_id.manager.name, inc.caller_id.manager.manager.user_name, inc.caller_id.name].join();`,
    );
    expect(result.answer).toBe('Abel Tuter,Beth Anglin,mona.bile,Abel Tuter');
    expect(selects(result)).toEqual([
      `incident:sys_id=${INC1}`,
      `sys_user:sys_id=${ABEL}`,
      `sys_user:sys_id=${BETH}`,
      'sys_user:sys_id=a8f98bb0-eb32-0100-2fd4-d13cabd80c22',
    ]);
  });

  test('the references of a page are looked up in one select', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.orderBy('number'); gr.query(); var n = []; while (gr.next()) n.push(gr.caller_id.name + ''); answer = n.join();",
    );
    expect(result.answer).toBe('Abel Tuter,Abel Tuter,Beth Anglin');
    expect(selects(result)).toEqual(['incident:ORDERBYnumber', `sys_user:sys_idIN${ABEL},${BETH}`]);
  });

  test('an empty reference dot-walks to empty fields', () => {
    const script = `var u = new GlideRecord('sys_user'); u.get('a8f98bb0-eb32-0100-2fd4-d13cabd80c22');
      answer = '[' + u.manager.name + ']' + u.manager.name.nil() + u.manager.getDisplayValue() + u.manager.getRefRecord().isValidRecord();`;
    expect(answerOf(script)).toBe('[]truefalse');
  });

  test('getRefRecord is a GlideRecord on the referenced row', () => {
    const script = `var inc = new GlideRecord('incident'); inc.get('${INC3}'); var caller = inc.caller_id.getRefRecord();
      answer = [caller.getTableName(), caller.isValidRecord(), caller.getValue('user_name'), caller.manager.name, caller.next()].join();`;
    expect(answerOf(script)).toBe('sys_user,true,beth.anglin,Mona Bile,false');
  });

  test('getRefRecord of a field that is no reference is an error', () => {
    expect(onIncident('inc.number.getRefRecord()')).toBe(
      'Error: getRefRecord(): incident.number is not a reference field',
    );
  });

  test('a dot-walked field cannot be set', () => {
    const script = `var inc = new GlideRecord('incident'); inc.get('${INC1}'); inc.caller_id.name.setValue('x');`;
    expect(answerOf(script, { clientCallable: false })).toBe(
      'Error: sys_user.name is read through a reference and cannot be set',
    );
  });
});
