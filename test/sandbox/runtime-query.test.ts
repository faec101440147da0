/** GlideRecord queries: the encoded query sent to the host, field checks, positioning, host calls. */
import { describe, expect, test } from 'vitest';
import { ABEL, answerOf, BETH, INC1, runRule, selects } from './runtime-harness.ts';

/** The encoded query a script builds: `gr` is a GlideRecord on incident. */
const encoded = (body: string) =>
  answerOf(`var gr = new GlideRecord('incident'); ${body}; answer = gr.getEncodedQuery();`);

describe('the encoded query', () => {
  test.each([
    ["gr.addQuery('priority', 1)", 'priority=1'],
    ["gr.addQuery('priority', '<=', 2)", 'priority<=2'],
    ["gr.addQuery('number', 'startswith', 'INC')", 'numberSTARTSWITHINC'],
    ["gr.addQuery('number', 'in', ['INC1', 'INC2'])", 'numberININC1,INC2'],
    ["gr.addQuery('number', 'NOT IN', 'INC1,INC2')", 'numberNOT ININC1,INC2'],
    ["gr.addQuery('short_description', 'CONTAINS', 'a^b')", 'short_descriptionCONTAINSa^^b'],
    ["gr.addQuery('short_description', 'does not contain', 'x')", 'short_descriptionDOESNOTCONTAINx'],
    ["gr.addQuery('active', true); gr.addQuery('priority', '!=', 3)", 'active=true^priority!=3'],
    ["gr.addQuery('caller_id', null)", 'caller_idISEMPTY'],
    ["gr.addQuery('caller_id', '!=', undefined)", 'caller_idISNOTEMPTY'],
    ["gr.addQuery('caller_id.name', 'Abel Tuter')", 'caller_id.name=Abel Tuter'],
    ["gr.addQuery('active=true^priority=1')", 'active=true^priority=1'],
    ['gr.addActiveQuery()', 'active=true'],
    ["gr.addNullQuery('caller_id'); gr.addNotNullQuery('category')", 'caller_idISEMPTY^categoryISNOTEMPTY'],
    ["gr.addEncodedQuery('a=1^b!=2^ORc=3'); gr.addEncodedQuery('')", 'a=1^b!=2^ORc=3'],
    [
      "gr.orderBy('number'); gr.addQuery('active', true); gr.orderByDesc('opened_at')",
      'active=true^ORDERBYnumber^ORDERBYDESCopened_at',
    ],
    [
      "gr.addQuery('priority', 1).addOrCondition('priority', 2).addOrCondition('state', '>', 6); gr.addQuery('active', true)",
      'priority=1^ORpriority=2^ORstate>6^active=true',
    ],
    // An OR attaches to the condition it was called on, even after later conditions (ServiceNow semantics).
    [
      "var c = gr.addQuery('priority', 1); gr.addQuery('active', true); c.addOrCondition('state', 2)",
      'priority=1^ORstate=2^active=true',
    ],
    [
      "var c = gr.addNullQuery('caller_id'); c.addOrCondition('caller_id', 'IN', ['a', 'b'])",
      'caller_idISEMPTY^ORcaller_idINa,b',
    ],
  ])('%s', (body, query) => {
    expect(encoded(body)).toBe(query);
  });

  test('the query sent to the host is the encoded query, with the limit of setLimit', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.addQuery('active', true); gr.orderByDesc('number'); gr.setLimit(1); gr.query(); gr.next(); answer = gr.getValue('number');",
    );
    expect(result.answer).toBe('INC0000002');
    const select = result.calls.find((c) => c.op === 'select');
    expect(select?.payload).toEqual({ table: 'incident', query: 'active=true^ORDERBYDESCnumber', limit: 1 });
  });

  test('a value that is an element gives its value', () => {
    const result = runRule(
      `var u = new GlideRecord('sys_user'); u.get('${ABEL}'); var gr = new GlideRecord('incident'); gr.addQuery('caller_id', u.sys_id); gr.query(); answer = gr.getEncodedQuery();`,
    );
    expect(result.answer).toBe(`caller_id=${ABEL}`);
  });
});

describe('refused conditions', () => {
  test.each([
    ["gr.addQuery('nope', 1)", "GlideRecord.addQuery(): the table incident has no field 'nope'"],
    ["gr.addQuery('caller_id.nope', 1)", "GlideRecord.addQuery(): the table sys_user has no field 'nope'"],
    [
      "gr.addQuery('number.name', 1)",
      "incident.number is not a reference, so 'number.name' cannot be dot-walked",
    ],
    [
      "gr.addQuery('priority', 'is about', 1)",
      "GlideRecord.addQuery(): unknown operator 'IS ABOUT' for priority",
    ],
    ["gr.addQuery('priority', '<', '=1')", "a value after < cannot start with '='"],
    ["gr.orderBy('nope')", "GlideRecord.orderBy(): the table incident has no field 'nope'"],
    [
      "gr.addQuery('priority', 1).addOrCondition('nope', 2)",
      "GlideRecord.addOrCondition(): the table incident has no field 'nope'",
    ],
    ["gr.setLimit('lots')", 'GlideRecord.setLimit() takes a number of rows, not lots'],
    ["gr.get('nope', 1)", "GlideRecord.get(): the table incident has no field 'nope'"],
  ])('%s', (body, message) => {
    expect(encoded(body)).toContain(message);
  });

  test('an unknown table can be created, but not queried', () => {
    expect(
      answerOf(
        "var gr = new GlideRecord('nope'); gr.addQuery('x', 1); answer = gr.getTableName() + ':' + gr.isValid();",
      ),
    ).toBe('nope:false');
    expect(answerOf("var gr = new GlideRecord('nope'); gr.query();")).toBe('Error: Invalid table name: nope');
    expect(answerOf("var gr = new GlideRecord('nope'); gr.get('x');")).toBe(
      'Error: Invalid table name: nope',
    );
  });

  test("the host's refusal of a query is an error the rule can catch", () => {
    const script =
      "var gr = new GlideRecord('incident'); gr.addEncodedQuery('bogus=1'); try { gr.query(); } catch (e) { answer = 'caught: ' + e.message; }";
    expect(answerOf(script)).toBe("caught: Invalid field 'bogus' for incident");
  });

  test('new is required', () => {
    expect(answerOf("GlideRecord('incident')")).toBe(
      "TypeError: Class constructor GlideRecord cannot be invoked without 'new'",
    );
  });
});

describe('reading rows', () => {
  test('a typical loop is one describe and one select', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.addActiveQuery(); gr.query(); var n = []; while (gr.next()) n.push(gr.getValue('number')); answer = n.join(',') + ' ' + gr.getRowCount();",
    );
    expect(result.answer).toBe('INC0000001,INC0000002 2');
    expect(result.calls.map((c) => c.op)).toEqual(['describe', 'select']);
  });

  test('hasNext, _next, isValidRecord and the end of the rows', () => {
    const script = `var gr = new GlideRecord('incident'); gr.addQuery('number', 'INC0000001'); var out = [gr.next(), gr.hasNext()];
      gr.query(); out.push(gr.isValidRecord(), gr.hasNext(), gr._next(), gr.isValidRecord(), gr.hasNext(), gr.next(), gr.isValidRecord(), String(gr.number));
      answer = out.join(',');`;
    expect(answerOf(script)).toBe('false,false,false,true,true,true,false,false,false,');
  });

  test('query(field, value) adds the condition first; _query is the same', () => {
    expect(
      answerOf(
        "var gr = new GlideRecord('incident'); gr.query('priority', 1); gr.next(); answer = gr.number + '';",
      ),
    ).toBe('INC0000003');
    expect(
      answerOf(
        "var gr = new GlideRecord('incident'); gr._query('priority', 3); gr.next(); answer = gr.number + '';",
      ),
    ).toBe('INC0000002');
  });

  test('get(sys_id), get(number) and get(field, value) position on the record', () => {
    const result = runRule(
      `var gr = new GlideRecord('incident'); var out = [gr.get('${INC1}'), gr.getValue('number'), gr.getUniqueValue()];
       out.push(gr.get('INC0000002'), gr.number + '', gr.get('short_description', 'Laptop'), gr.number + '');
       out.push(gr.get('INC9999999'), gr.isValidRecord(), gr.getUniqueValue(), gr.get(''), gr.get(null));
       answer = out.join(',');`,
    );
    expect(result.answer).toBe(
      `true,INC0000001,${INC1},true,INC0000002,true,INC0000003,false,false,,false,false`,
    );
    expect(selects(result)).toEqual([
      `incident:sys_id=${INC1}`,
      'incident:number=INC0000002',
      'incident:short_description=Laptop',
      'incident:number=INC9999999',
    ]);
    expect(result.calls.filter((c) => c.op === 'select').every((c) => c.payload.limit === 1)).toBe(true);
  });

  test('getRowCount counts with the host only when the rows were paged', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.addQuery('priority', '>', 1); gr.orderBy('number'); gr.query(); gr.next(); answer = gr.getRowCount() + ':' + gr.number;",
      { pageSize: 1 },
    );
    expect(result.answer).toBe('2:INC0000001');
    expect(result.calls.find((c) => c.op === 'count')?.payload).toEqual({
      table: 'incident',
      query: 'priority>1',
    });
    expect(answerOf("var gr = new GlideRecord('incident'); answer = '' + gr.getRowCount();")).toBe('0');
  });

  test('with a page size, the rows come in pages, setLimit honoured', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.orderBy('number'); gr.setLimit(3); gr.query(); var n = []; while (gr.next()) n.push(gr.number + ''); answer = n.join(',');",
      { pageSize: 2 },
    );
    expect(result.answer).toBe('INC0000001,INC0000002,INC0000003');
    const pages = result.calls.filter((c) => c.op === 'select').map((c) => c.payload);
    expect(pages).toEqual([
      { table: 'incident', query: 'ORDERBYnumber', limit: 2 },
      { table: 'incident', query: 'ORDERBYnumber', limit: 1, offset: 2 },
    ]);
  });

  test('setLimit(0) reads nothing and asks the host nothing', () => {
    const result = runRule(
      "var gr = new GlideRecord('incident'); gr.setLimit(0); gr.query(); answer = String(gr.next());",
    );
    expect(result.answer).toBe('false');
    expect(selects(result)).toEqual([]);
  });

  test('the record: table, class, label, display value, fields, access', () => {
    const script = `var gr = new GlideRecord('task'); gr.get('${INC1}');
      answer = [gr.getTableName(), gr.getRecordClassName(), gr.getLabel(), gr.getDisplayValue(), gr.isValidField('caller_id.name'),
        gr.isValidField('nope'), gr.canRead(), gr.canWrite(), gr.canCreate(), gr.canDelete(), gr.isNewRecord(), gr.getElement('nope'),
        gr.getElement('number').getName(), String(gr), gr.setWorkflow(false), gr.autoSysFields(false)].join(',');`;
    expect(answerOf(script)).toBe(
      'task,incident,Task,INC0000001,true,false,true,false,false,false,false,,number,[object GlideRecord],,',
    );
  });

  test('GlideRecordSecure has the same API and reads the same', () => {
    const script = `var gr = new GlideRecordSecure('sys_user'); gr.addQuery('user_name', 'beth.anglin'); gr.query(); gr.next();
      answer = [gr.getUniqueValue(), gr instanceof GlideRecord, gr instanceof GlideRecordSecure].join(',');`;
    expect(answerOf(script)).toBe(`${BETH},true,true`);
    expect(answerOf("var gr = new GlideRecordSecure('sys_user'); gr.addQuery('nope', 1);")).toContain(
      "GlideRecordSecure.addQuery(): the table sys_user has no field 'nope'",
    );
  });

  test('for…in lists the fields of the record', () => {
    const script =
      "var gr = new GlideRecord('sys_user'); var f = []; for (var k in gr) f.push(k); answer = f.join(',');";
    expect(answerOf(script)).toBe(
      'sys_id,sys_class_name,user_name,name,employee_number,phone,manager,vip,active,sys_created_on,sys_updated_on',
    );
  });

  test('describe is asked once per table per run', () => {
    const result = runRule(
      "for (var i = 0; i < 5; i++) { var gr = new GlideRecord('incident'); gr.addQuery('priority', i); }",
    );
    expect(result.calls.filter((c) => c.op === 'describe')).toHaveLength(1);
  });
});
