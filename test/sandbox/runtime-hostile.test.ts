/** Values a rule controls (toString, Symbol.toPrimitive, Proxies, replaced built-ins) give clean errors, never a broken host. */
import { describe, expect, test } from 'vitest';
import { answerOf, runRule } from './runtime-harness.ts';

const hostile = {
  'a throwing toString': "({ toString: function () { throw new Error('boom'); } })",
  'a throwing Symbol.toPrimitive': "({ [Symbol.toPrimitive]: function () { throw new Error('boom'); } })",
  'a Proxy that throws on every trap':
    "new Proxy({}, { get: function () { throw new Error('boom'); }, getPrototypeOf: function () { throw new Error('boom'); } })",
  'a revoked Proxy': '(function () { var p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; })()',
  'a Symbol': "Symbol('s')",
};

describe.each(Object.entries(hostile))('%s', (_name, value) => {
  test.each([
    ['new GlideRecord(v)', 'GlideRecord: the table name cannot be turned into a string'],
    ['gr.addQuery(v, 1)', 'GlideRecord.addQuery(): the field name cannot be turned into a string'],
    [
      "gr.addQuery('number', v)",
      'GlideRecord.addQuery(): the value for number cannot be turned into a string',
    ],
    [
      "gr.addQuery('number', 'IN', ['a', v])",
      'GlideRecord.addQuery(): the value for number cannot be turned into a string',
    ],
    ["gr.addQuery('number', v, 1)", 'GlideRecord.addQuery(): the operator cannot be turned into a string'],
    ['gr.addEncodedQuery(v)', 'GlideRecord.addEncodedQuery(): the query cannot be turned into a string'],
    ['gr.get(v)', 'GlideRecord.get(): the sys_id cannot be turned into a string'],
    ['gr.getValue(v)', 'GlideRecord: the field name cannot be turned into a string'],
  ])('%s is a clean error', (call, message) => {
    const result = runRule(`var v = ${value}; var gr = new GlideRecord('incident'); ${call};`);
    // A Symbol converts with String(); everything else must fail with a message, not crash anything.
    if (value.startsWith('Symbol')) expect(result.error ?? 'no error').not.toMatch(/cannot be turned/);
    else expect(result.error).toContain(message);
  });

  test('as the answer, it is a clean error or a typed non-answer', () => {
    const result = runRule(`answer = ${value};`);
    expect(result.error === undefined ? result.answerType : result.error).toMatch(
      /^(Error: boom|TypeError: .*|object)$/,
    );
  });

  test('thrown from the rule function, it comes out as a plain error', () => {
    const result = runRule(`function TestRule() { throw ${value}; }`);
    expect(result.error).toMatch(/^(Error|TypeError): /);
  });

  test('logging it never throws', () => {
    const result = runRule(
      `gs.info(${value}); gs.log('{0}', ${value}); gs.info('x {0}', ${value}); answer = 'ok';`,
    );
    expect(result.answer).toBe('ok');
  });

  test('writing it is a clean error', () => {
    const result = runRule(
      `var gr = new GlideRecord('incident'); gr.initialize(); gr.short_description = ${value};`,
      {
        clientCallable: false,
      },
    );
    if (!value.startsWith('Symbol'))
      expect(result.error).toContain('the value cannot be turned into a string');
  });
});

describe('a rule that replaces built-ins', () => {
  test('JSON, String, Error and Object.prototype.toJSON do not change what crosses to the host', () => {
    const script = `JSON.stringify = function () { return '{"evil":1}'; }; JSON.parse = function () { return { ok: true, value: [] }; };
      Object.prototype.toJSON = function () { return 'evil'; }; String = function () { return 'evil'; }; Error = function () {};
      var gr = new GlideRecord('incident'); gr.addQuery('number', 'INC0000001'); gr.query(); gr.next(); gs.info('still {0}', 'fine');
      answer = 'n=' + gr.number;`;
    const result = runRule(script);
    expect(result.answer).toBe('n=INC0000001');
    expect(result.logs).toEqual([{ level: 'info', message: 'still fine' }]);
    const select = result.calls.find((c) => c.op === 'select');
    expect(select?.payload).toEqual({ table: 'incident', query: 'number=INC0000001' });
  });

  test('a getter for answer or a rule function that is a Proxy run as rule code, with clean errors', () => {
    const getter =
      "Object.defineProperty(globalThis, 'answer', { get: function () { throw new Error('getter'); } });";
    expect(runRule(getter).error).toBe('Error: getter');
    const proxy =
      "var TestRule = new Proxy(function () {}, { apply: function () { return '/from-proxy'; } });";
    expect(answerOf(proxy)).toBe('/from-proxy');
  });

  test('the runtime is strict: no function of it shows as a caller', () => {
    const script = `function TestRule() { return [TestRule.caller, hook()].join(); }
      function hook() { var seen = []; var gr = new GlideRecord('incident');
        gr.addQuery('number', { toString: function probe() { seen.push(probe.caller); return 'x'; } }); return seen[0]; }`;
    expect(runRule(script)).toMatchObject({ answer: ',', answerType: 'string' });
  });

  test("a rule cannot reach the runtime's state through a record or an element", () => {
    const script = `var gr = new GlideRecord('sys_user'); gr.get('user_name', 'beth.anglin');
      answer = [Object.getOwnPropertyNames(gr).join('+'), Object.getOwnPropertySymbols(gr).length,
        Object.getOwnPropertyNames(gr.name).length, Object.getOwnPropertyNames(gr.manager).length].join();`;
    expect(answerOf(script)).toBe(
      'sys_id+sys_class_name+user_name+name+employee_number+phone+manager+vip+active+sys_created_on+sys_updated_on,0,0,0',
    );
    expect(answerOf('GlideRecord.prototype.next.call({});')).toBe('TypeError: not a GlideRecord');
    expect(answerOf('new GlideElement();')).toMatch(/^TypeError: GlideElement cannot be created by a script/);
  });
});
