/** The run around the rule: begin (parameters, answer), finish (which answer), gs, GlideDateTime, privileged functions. */
import ivm from 'isolated-vm';
import { describe, expect, test } from 'vitest';
import { PRELUDE_SOURCE, SANDBOX_DTS, STANDARD_PARAMS } from '../../server/sandbox/runtime/index.ts';
import { answerOf, fakeHost, runRule } from './runtime-harness.ts';

describe('the answer (finish)', () => {
  test.each([
    [
      'the global answer',
      "answer = '/sys_user.do?sys_id=1';",
      { answer: '/sys_user.do?sys_id=1', answerType: 'string' },
    ],
    ['no answer', 'var x = 1;', { answer: null, answerType: 'null' }],
    [
      'the function named like the rule',
      "function TestRule() { return 'incident.do?sys_id=-1'; }",
      { answer: 'incident.do?sys_id=-1', answerType: 'string' },
    ],
    [
      'the answer the function sets',
      "function TestRule() { answer = 'a'; }",
      { answer: 'a', answerType: 'string' },
    ],
    [
      'the global answer over the return value',
      "function TestRule() { answer = 'set'; return 'returned'; }",
      { answer: 'set', answerType: 'string' },
    ],
    ['a function returning nothing', 'function TestRule() {}', { answer: null, answerType: 'undefined' }],
    ['a const function', "const TestRule = () => 'arrow';", { answer: 'arrow', answerType: 'string' }],
    ['a function of another name', "function Other() { return 'x'; }", { answer: null, answerType: 'null' }],
    ['a number', 'answer = 42;', { answer: '42', answerType: 'number' }],
    ['a boolean', 'answer = true;', { answer: null, answerType: 'boolean' }],
    ['a plain object', 'answer = { url: 1 };', { answer: null, answerType: 'object' }],
    ['an array', "answer = ['a'];", { answer: null, answerType: 'object' }],
    ['a function', 'answer = function () {};', { answer: null, answerType: 'function' }],
    [
      'an object with its own toString',
      "answer = { toString: function () { return '/x'; } };",
      { answer: '/x', answerType: 'object' },
    ],
    ['a GlideRecord', "answer = new GlideRecord('incident');", { answer: null, answerType: 'object' }],
    [
      'an element',
      "var u = new GlideRecord('sys_user'); u.get('user_name', 'beth.anglin'); answer = u.name;",
      { answer: 'Beth Anglin', answerType: 'object' },
    ],
  ])('%s', (_name, script, expected) => {
    const { answer, answerType, error } = runRule(script);
    expect({ answer, answerType, error }).toEqual({ ...expected, error: undefined });
  });

  test('the function runs even when the script set answer (SPEC §7), and may change it', () => {
    expect(answerOf("answer = 'first'; function TestRule() { gs.info('ran'); answer = 'second'; }")).toBe(
      'second',
    );
    expect(runRule("answer = 'kept'; function TestRule() { gs.info('ran'); }").logs).toEqual([
      { level: 'info', message: 'ran' },
    ]);
  });

  test('an error thrown by the function is a plain error with its message', () => {
    const result = runRule("function TestRule() { throw new TypeError('bad caller'); }");
    expect(result.error).toBe('TypeError: bad caller');
    expect(runRule("function TestRule() { throw 'a string'; }").error).toBe('Error: a string');
  });
});

describe('parameters (begin)', () => {
  test('the standard parameters are globals, null when absent; custom sysparm_ ones are there too', () => {
    const params = { sysparm_caller_phone: '+1 415 555 0142', sysparm_priority: '1', not_a_param: 'x' };
    const script = `answer = [${STANDARD_PARAMS.map((p) => `${p} === null`).join(', ')}].join() + '|' + sysparm_caller_phone + '|' + sysparm_priority + '|' + typeof not_a_param;`;
    const nulls = STANDARD_PARAMS.map((p) => p !== 'sysparm_caller_phone').join();
    expect(answerOf(script, { params })).toBe(`${nulls}|+1 415 555 0142|1|undefined`);
  });

  test('sloppy scripts work: undeclared globals, == null, var answer, this', () => {
    const script = `eid = sysparm_caller_id; if (sysparm_query == null) q = 'none'; var answer; answer = eid + ':' + q + ':' + (this === globalThis);`;
    expect(answerOf(script, { params: { sysparm_caller_id: 'E00001' } })).toBe('E00001:none:true');
  });

  test('parameters and answer are plain writable globals', () => {
    expect(answerOf("sysparm_caller_name = 'changed'; answer = sysparm_caller_name;")).toBe('changed');
    expect(answerOf('delete answer; var out = typeof answer;')).toBeNull();
  });

  test('a run leaves nothing of the host in reach of the rule', () => {
    const script = `answer = [typeof $host, typeof $runtime, typeof require, typeof process, Object.keys(globalThis).filter(function (k) { return k.indexOf('sysparm_') !== 0; }).join('+')].join();`;
    expect(answerOf(script)).toBe('undefined,undefined,undefined,undefined,answer');
  });
});

describe('the prelude', () => {
  test('defines $runtime non-enumerable and deletes $host; a second evaluation does nothing', () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    try {
      const context = isolate.createContextSync();
      context.global.setSync('$host', new ivm.Callback(fakeHost().handle));
      context.evalSync(PRELUDE_SOURCE);
      const check = `[typeof $host, Object.getOwnPropertyDescriptor(globalThis, '$runtime').enumerable, typeof $runtime.begin, Object.keys(globalThis).length].join()`;
      expect(context.evalSync(check)).toBe('undefined,false,function,0');
      context.evalSync(PRELUDE_SOURCE);
      expect(context.evalSync(check)).toBe('undefined,false,function,0');
    } finally {
      isolate.dispose();
    }
  });

  test('without $host it refuses to start', () => {
    const isolate = new ivm.Isolate({ memoryLimit: 16 });
    try {
      expect(() => isolate.createContextSync().evalSync(PRELUDE_SOURCE)).toThrow(/did not define \$host/);
    } finally {
      isolate.dispose();
    }
  });

  test('the .d.ts declares the whole API', () => {
    for (const name of [
      'declare var answer: string | null;',
      'declare const gs: GlideSystem;',
      'declare class GlideRecord',
      ...STANDARD_PARAMS,
    ])
      expect(SANDBOX_DTS).toContain(name);
  });
});

describe('gs', () => {
  test('logs at their level, with {0} placeholders, safely stringified', () => {
    const script = `gs.log('plain'); gs.log('with source', 'CTI'); gs.print(42); gs.info('caller {0} of {1}, {2}', 'Abel', 3);
      gs.warn('w'); gs.error('e {0}', null); gs.debug('d {0}', { toString: function () { throw new Error('no'); } });
      gs.info({ a: 1 }); gs.info('{5} stays');`;
    expect(runRule(script).logs).toEqual([
      { level: 'info', message: 'plain' },
      { level: 'info', message: 'CTI: with source' },
      { level: 'info', message: '42' },
      { level: 'info', message: 'caller Abel of 3, {2}' },
      { level: 'warn', message: 'w' },
      { level: 'error', message: 'e null' },
      { level: 'debug', message: 'd [a value that cannot be shown]' },
      { level: 'info', message: '[object Object]' },
      { level: 'info', message: '{5} stays' },
    ]);
  });

  test('long messages are cut before they cross', () => {
    const [log] = runRule("gs.info(new Array(10001).join('x'));").logs;
    expect(String(log?.message)).toHaveLength(4001);
  });

  test('the time of the call, nil and properties', () => {
    const script = `answer = [gs.nowDateTime(), gs.now(), gs.nil(''), gs.nil(null), gs.nil('x'), gs.nil(0), gs.getProperty('a.b', 'dflt'), gs.getProperty('a.b')].join('|');`;
    expect(answerOf(script, { now: '2026-03-01T12:34:56.789Z' })).toBe(
      '2026-03-01 12:34:56|2026-03-01|true|true|false|false|dflt|',
    );
  });
});

describe('GlideDateTime', () => {
  test('the time of the call or a given time, in UTC', () => {
    const script = `var now = new GlideDateTime(); var d = new GlideDateTime('2026-01-31 23:00'); var copy = new GlideDateTime(d);
      answer = [now.getValue(), now.getDisplayValue(), d + '', copy.getValue(), d.getNumericValue()].join('|');`;
    expect(answerOf(script)).toBe(
      `2026-03-01 12:34:56|2026-03-01 12:34:56|2026-01-31 23:00:00|2026-01-31 23:00:00|${Date.UTC(2026, 0, 31, 23)}`,
    );
    expect(answerOf("new GlideDateTime('soon');")).toContain("GlideDateTime: 'soon' is not a date and time");
  });
});

describe('non-client-callable functions (the call op)', () => {
  test('are globals calling the host with JSON arguments, returning its value', () => {
    const result = runRule(
      "answer = ctiRecordTaskCall('INC0000001', { from: sysparm_caller_phone, n: 2 }).url;",
      {
        params: { sysparm_caller_phone: '555' },
        functions: ['ctiRecordTaskCall', 'gs', 'not-an-identifier'],
        override: (op, payload) =>
          op === 'call' ? { url: `/task.do?n=${JSON.stringify(payload)}` } : undefined,
      },
    );
    expect(result.answer).toBe(
      '/task.do?n={"name":"ctiRecordTaskCall","args":["INC0000001",{"from":"555","n":2}]}',
    );
    expect(
      answerOf("answer = typeof gs.info + typeof this['not-an-identifier'];", {
        functions: ['gs', 'not-an-identifier'],
      }),
    ).toBe('functionundefined');
  });

  test('arguments that are no JSON values are refused in the isolate', () => {
    const script = 'var a = {}; a.self = a; fn(a);';
    expect(answerOf(script, { functions: ['fn'] })).toMatch(/^Error: fn\(\): arguments must be JSON values/);
  });
});
