/**
 * What must stay closed (SPEC §7, STYLE §9). Each row is a hostile script and the exact outcome it
 * must get; after each, a probe rule on the same host must answer and see a clean context. No result
 * may show anything of the host. Add a row for every new idea.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxLimits } from '../../server/config/env.ts';
import { createRecordReader } from '../../server/records/reader.ts';
import type { RunResult, SandboxHost } from '../../server/sandbox/types.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { rule, show, TEST_LIMITS, testHost } from './fixtures.ts';

type Expected = {
  outcome: RunResult['outcome'];
  code?: string;
  answer?: string;
  message?: RegExp;
  log?: RegExp;
};
type Attack = [title: string, script: string, expected: Expected, limits?: Partial<SandboxLimits>];

/** Host paths, node internals, isolated-vm: none of these may appear in anything a run returns. */
const HOST_TRACES = ['/work/', 'node_modules', 'node:', 'isolated-vm', 'file://', 'ECONNREFUSED', '.ts:'];

const answer = (value: string): Expected => ({ outcome: 'answer', answer: value });
const failure = (code: string, message?: RegExp): Expected => ({
  outcome: 'error',
  code,
  ...(message ? { message } : {}),
});

const attacks: Attack[] = [
  // Constructor chains to the host
  [
    'Function constructor from this',
    "answer = '/' + this.constructor.constructor('return typeof process + typeof require')();",
    answer('/undefinedundefined'),
  ],
  [
    'process through the Function constructor',
    "this.constructor.constructor('return process')().exit(1);",
    failure('RULE_ERROR', /ReferenceError: process is not defined/),
  ],
  [
    'constructor of an error a host call caused',
    "try { new GlideRecord('nope').query(); } catch (e) { answer = '/' + e.constructor.constructor('return typeof process')(); }",
    answer('/undefined'),
  ],
  [
    'constructor of a database failure',
    "try { new GlideRecord('broken').query(); } catch (e) { answer = '/' + e.message + e.constructor.constructor('return typeof require')(); }",
    { outcome: 'answer' },
  ],
  [
    'constructor of returned rows and values',
    "var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); answer = '/' + u.name.constructor.constructor('return typeof process')() + [].constructor.constructor('return typeof require')();",
    answer('/undefinedundefined'),
  ],
  [
    'eval and Function stay inside',
    "answer = '/' + eval('typeof process') + Function('return typeof require')() + (0, eval)('typeof setTimeout');",
    answer('/undefinedundefinedundefined'),
  ],
  // What the global object holds
  [
    'scan of all globals',
    "answer = '/' + Object.getOwnPropertyNames(globalThis).filter(function (n) { return /^(\\$host|\\$hostRef|\\$runtime|require|process|module|exports|Buffer|global|setTimeout|setInterval|setImmediate|queueMicrotask|fetch|XMLHttpRequest|WebAssembly|SharedArrayBuffer|Atomics|FinalizationRegistry|WeakRef|ivm|_ivm)$/.test(n); }).join(',');",
    answer('/'),
  ],
  [
    'the host bridge by name',
    "answer = '/' + typeof $host + typeof $runtime + typeof $hostRef;",
    answer('/undefinedundefinedundefined'),
  ],
  // Promise callbacks run after the answer is taken, still within the run: the refusal is logged.
  [
    'dynamic import',
    "import('fs').then(function () { gs.info('imported'); }, function (e) { gs.info('refused: ' + e.message); }); answer = '/asked';",
    { ...answer('/asked'), log: /^refused: Not supported$/ },
  ],
  // Stack traces
  [
    'Error.prepareStackTrace is locked',
    "Error.prepareStackTrace = function (e, frames) { return frames.map(function (f) { return f.getFileName() + String(f.getFunction()); }).join(); }; answer = '/' + new Error('x').stack;",
    { outcome: 'answer' },
  ],
  [
    'Error.prepareStackTrace cannot be redefined',
    "Object.defineProperty(Error, 'prepareStackTrace', { value: function () { return 'x'; } });",
    failure('RULE_ERROR', /TypeError: Cannot redefine property: prepareStackTrace/),
  ],
  [
    'stack of a host call error',
    "try { new GlideRecord('sys_user').addQuery('no_such_field', 1); new GlideRecord('broken').query(); } catch (e) { answer = '/' + e.stack; }",
    { outcome: 'answer' },
  ],
  // The runtime's frames may be reachable through .caller (its code is sloppy); the host's driver is strict and never is.
  [
    'the caller chain of the rule function',
    "function TestRule() { var c = TestRule.caller; return '/' + (c === null || c.caller === null ? 'closed' : 'open'); }",
    answer('/closed'),
  ],
  // Hostile values handed to the runtime and through it to the host
  [
    'toString that spins',
    'new GlideRecord({ toString: function () { for (;;) {} } });',
    failure('RULE_TIMEOUT'),
  ],
  [
    'Symbol.toPrimitive that throws',
    "var u = new GlideRecord('sys_user'); u.addQuery('name', { [Symbol.toPrimitive]: function () { throw new Error('boom'); } }); u.query();",
    failure('RULE_ERROR', /boom/),
  ],
  [
    'a Proxy as table name',
    "new GlideRecord(new Proxy({}, { get: function () { throw new Error('trap'); } })).query();",
    failure('RULE_ERROR'),
  ],
  [
    'replaced JSON and Function.prototype.call',
    "JSON.parse = function () { return { ok: true, value: [] }; }; JSON.stringify = function () { return '{}'; }; Function.prototype.call = function () { return null; }; var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); answer = '/' + u.name;",
    answer('/User 1'),
  ],
  [
    'a thrown object with a spinning message getter',
    'throw { get message() { for (;;) {} } };',
    failure('RULE_TIMEOUT'),
  ],
  ['a thrown Proxy', 'throw new Proxy({}, { get: function () { throw 1; } });', failure('RULE_ERROR')],
  ['a thrown huge string', "throw 'x'.repeat(1e6);", failure('RULE_ERROR', /^rule TestRule: Uncaught: x+…$/)],
  [
    'a stack captured by the rule, and one from inside the runtime, name no host file',
    "var o = {}; Error.captureStackTrace(o); var s = o.stack; try { new GlideRecord('sys_user').addQuery(); } catch (e) { s += e.stack; } answer = '/' + (/\\/work\\/|node:|\\.ts\\b|node_modules|isolated-vm/.test(s) ? 'host' : 'clean');",
    answer('/clean'),
  ],
  [
    'a spinning getter as the answer',
    "Object.defineProperty(globalThis, 'answer', { get: function () { for (;;) {} } });",
    failure('RULE_TIMEOUT'),
  ],
  [
    'a Proxy as the answer',
    'answer = new Proxy({}, { get: function () { for (;;) {} } });',
    failure('RULE_TIMEOUT'),
  ],
  ['a frozen global object', "answer = '/frozen'; Object.freeze(globalThis);", answer('/frozen')],
  [
    'an encoded query too big to send',
    "var u = new GlideRecord('sys_user'); u.addEncodedQuery('name=' + 'x'.repeat(100000)); u.query();",
    failure('RULE_ERROR', /under 64 KB/),
  ],
  [
    "descriptor and envelope poisoning on Object.prototype ('get', 'value', 'ok', 'error')",
    "Object.defineProperty(Object.prototype, 'get', { value: function () { return 1; }, configurable: true }); Object.prototype.value = 5; Object.prototype.ok = false; Object.prototype.error = { message: 'fake' }; var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); answer = '/' + u.name;",
    answer('/User 1'),
  ],
  [
    'string conversions replaced',
    "String.prototype.toString = function () { for (;;) {} }; String.prototype.valueOf = function () { for (;;) {} }; var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); answer = '/' + u.getValue('name');",
    answer('/User 1'),
  ],
  [
    'a spinning Symbol.species on arrays',
    "Array.prototype.constructor = { [Symbol.species]: function () { for (;;) {} } }; var u = new GlideRecord('sys_user'); u.addQuery('active', 'true'); u.setLimit(3); u.query(); var n = 0; while (u.next()) n++; answer = '/' + n;",
    answer('/3'),
  ],
  // The runtime's own state of the objects it hands out (prelude.js privateState)
  [
    'the state behind a record, an element, a condition and a date, searched from them',
    `var u = new GlideRecord('sys_user'); u.get('sys_id', 'u1'); var c = u.addQuery('active', true);
     var handed = [u, u.name, u.caller_id, c, new GlideDateTime(), u.getElement('name')];
     var found = [], seen = new Set(), queue = handed.slice();
     var protoOf = Object['getProto' + 'typeOf'];
     while (queue.length > 0 && seen.size < 20000) {
       var o = queue.pop();
       if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
       seen.add(o);
       var keys = Reflect.ownKeys(o);
       for (var i = 0; i < keys.length; i++) {
         if ((typeof keys[i] === 'symbol' && handed.indexOf(o) >= 0) || ['groups', 'row', 'cols', 'page', 'ms', 'group', 'gr', 't'].indexOf(keys[i]) >= 0) found.push(String(keys[i]));
         var d = Object.getOwnPropertyDescriptor(o, keys[i]);
         if (d && 'value' in d) queue.push(d.value); else if (d) { queue.push(d.get); queue.push(d.set); }
       }
       queue.push(protoOf(o));
     }
     answer = '/' + (found.length ? found.join(',') : 'clean') + '/' + (seen.size > 50);`,
    answer('/clean/true'),
  ],
  [
    "objects made from the runtime's prototypes are no records, elements or dates",
    `var fakes = [Object.create(GlideElement.prototype), Object.create(GlideRecord.prototype), Object.create(GlideDateTime.prototype),
       new Proxy({}, { getPrototypeOf: function () { return GlideElement.prototype; } })];
     answer = '/' + fakes.map(function (f) {
       var r = [JSUtil.nil(f)];
       ['toString', 'getValue', 'getDisplayValue', 'next', 'getNumericValue'].forEach(function (m) {
         try { r.push(typeof f[m] === 'function' ? String(f[m]('name')) : '-'); } catch (e) { r.push(e.name); }
       });
       return r.join(':');
     }).join('|');`,
    answer(
      '/false:TypeError:TypeError:TypeError:-:-|false:[object GlideRecord]:TypeError:TypeError:TypeError:-|false:TypeError:TypeError:TypeError:-:TypeError|false:[object Object]:-:-:-:-',
    ),
  ],
  // Writes from a client-callable rule
  [
    'a write',
    "var u = new GlideRecord('sys_user'); u.initialize(); u.name = 'x'; u.insert();",
    failure('RULE_ERROR', /writes belong in a non-client-callable function/),
  ],
  // Pollution meant for the next run (the probe after each row checks it)
  [
    'prototype pollution and global stashes',
    "Object.prototype.polluted = 1; Array.prototype.push = null; String.prototype.trim = null; globalThis.stash = 1; gs.stash = 1; GlideRecord.prototype.get = null; answer = '/polluted';",
    answer('/polluted'),
  ],
  // Loops, regexes, promises, memory, recursion
  ['an infinite loop', 'for (;;) {}', failure('RULE_TIMEOUT')],
  [
    'an infinite loop in the rule function',
    'function TestRule() { while (true) {} }',
    failure('RULE_TIMEOUT'),
  ],
  ['catastrophic regex backtracking', "/^(a+)+$/.test('a'.repeat(40) + 'b');", failure('RULE_TIMEOUT')],
  ['a microtask chain', 'function f() { Promise.resolve().then(f); } f();', failure('RULE_TIMEOUT')],
  [
    'a promise flood',
    'for (;;) Promise.resolve().then(function () { return 1; });',
    failure('RULE_MEMORY'),
    { cpuMs: 5000 },
  ],
  [
    'string doubling',
    "var s = 'x'; for (;;) s += s;",
    failure('RULE_ERROR', /RangeError: Invalid string length/),
  ],
  [
    'flattened strings kept',
    "var a = []; for (var i = 0; ; i++) { var s = 'x'.repeat(1 << 22) + i; s.indexOf('y'); a.push(s); }",
    failure('RULE_MEMORY'),
    { cpuMs: 5000 },
  ],
  // Builtins that walk a sparse array's length in C++ ignore termination: refused before they start.
  [
    'a huge array filled',
    'var a = new Array(1e8).fill(0);',
    failure('RULE_ERROR', /RangeError: Array.prototype.fill: arrays of more than 1000000 elements/),
  ],
  [
    'a sparse giant searched',
    'var a = []; a.length = 1e9; a.indexOf(1);',
    failure('RULE_ERROR', /Array.prototype.indexOf/),
  ],
  [
    'a sparse giant sorted',
    'var a = []; a.length = 1e8; a.sort();',
    failure('RULE_ERROR', /Array.prototype.sort/),
  ],
  [
    'an array-like giant',
    'Array.prototype.lastIndexOf.call({ length: 1e9 }, 1);',
    failure('RULE_ERROR', /Array.prototype.lastIndexOf/),
  ],
  ['Array.from a giant', 'Array.from({ length: 1e8 });', failure('RULE_ERROR', /Array.from/)],
  [
    'guarded methods still work',
    "answer = '/' + [3, 1, 2].sort().map(function (x) { return x * 2; }).filter(Boolean).join('-') + Array.from('ab').length;",
    answer('/2-4-62'),
  ],
  [
    'growing arrays',
    'var a = []; for (;;) a.push(new Array(1e6).fill(1.5));',
    failure('RULE_MEMORY'),
    { cpuMs: 5000 },
  ],
  // The allocator's last-resort collections before it refuses cost tens of ms of CPU (see README).
  ['a huge ArrayBuffer', 'var b = new ArrayBuffer(1e9);', failure('RULE_MEMORY'), { cpuMs: 5000 }],
  [
    'deep recursion',
    'function f() { return f() + 1; } f();',
    failure('RULE_ERROR', /RangeError: Maximum call stack size exceeded/),
  ],
  ['a huge answer', "answer = '/' + 'x'.repeat(5e6);", failure('BAD_ANSWER')],
  ['a huge log line', "gs.info('x'.repeat(1e6)); answer = '/logged';", answer('/logged')],
  // Host call floods and caught limits
  [
    'a flood of host calls',
    "for (;;) new GlideRecord('sys_user').get('sys_id', 'x');",
    failure('RULE_HOST_CALLS'),
  ],
  [
    'catching the host call limit and going on',
    "for (var i = 0; i < 2000; i++) { try { gs.info('x'); } catch (e) {} } answer = '/survived';",
    failure('RULE_HOST_CALLS'),
  ],
  [
    'catching the host call limit, then spinning',
    "try { for (;;) gs.info('x'); } catch (e) {} for (;;) {}",
    failure('RULE_HOST_CALLS'),
  ],
  [
    'catching the row limit',
    "try { new GlideRecord('sys_user').query(); } catch (e) {} answer = '/survived';",
    failure('RULE_ROWS'),
    { maxRows: 10 },
  ],
  ['catching a timeout', "try { for (;;) {} } catch (e) {} answer = '/survived';", failure('RULE_TIMEOUT')],
  [
    'catching a wall timeout',
    "try { for (;;) {} } catch (e) {} answer = '/survived';",
    failure('RULE_TIMEOUT'),
    { cpuMs: 10_000, wallMs: 100 },
  ],
];

/**
 * Answers a fingerprint of the context: a clean one gives exactly PROBE_ANSWER. It names no
 * prototype, so it runs in the shared, locked context (rule-kind.ts), where an earlier run's traces
 * would be; the last item is false when a formatter set by an earlier run shapes its stacks.
 */
const PROBE = `var P = 'proto' + 'type'; answer = '/probe?' + [typeof polluted, typeof stash, typeof gs.stash, typeof [].push,
  typeof ''.trim, typeof GlideRecord[P].get, typeof JSON.parse('1'), /at Probe:2:/.test(new Error('p').stack), sysparm_caller_id].join(',');`;
const PROBE_ANSWER = '/probe?undefined,undefined,undefined,function,function,function,number,true,probe';

const hosts = new Map<string, SandboxHost>();
function hostFor(limits: Partial<SandboxLimits> = {}): SandboxHost {
  const key = JSON.stringify(limits);
  let host = hosts.get(key);
  if (!host) {
    host = testHost({ isolates: 2, limits: { ...TEST_LIMITS, ...limits } });
    hosts.set(key, host);
  }
  return host;
}
afterAll(async () => {
  for (const host of hosts.values()) await host.close();
});

describe.each(attacks)('attack: %s', (_title, script, expected, limits) => {
  it(`ends as ${expected.code ?? expected.outcome}, shows nothing of the host, and the next run is clean`, async () => {
    const host = hostFor(limits);
    const result = await host.run(rule(script), { sysparm_caller_id: 'attacker' });
    expect(result.outcome, show(result)).toBe(expected.outcome);
    if (expected.code) expect(result.error?.code, show(result)).toBe(expected.code);
    if (expected.answer !== undefined) expect(result.answer, show(result)).toBe(expected.answer);
    if (expected.message) expect(result.error?.message, show(result)).toMatch(expected.message);
    if (expected.log) expect(result.logs[0]?.message, show(result)).toMatch(expected.log);
    const shown = JSON.stringify(result);
    for (const trace of HOST_TRACES) expect(shown, `"${trace}" in ${show(result)}`).not.toContain(trace);

    const probe = await host.run(rule(PROBE, 'Probe'), { sysparm_caller_id: 'probe' });
    expect(probe.answer, show(probe)).toBe(PROBE_ANSWER);
  });
});

type SqlAttack = [title: string, script: string, expected: Expected];

/** Through the real reader: names are checked against the dictionary, values only ever bound. */
const sqlAttacks: SqlAttack[] = [
  [
    'a system table by name',
    "new GlideRecord('accounts').query();",
    failure('RULE_ERROR', /Invalid table name: accounts/),
  ],
  [
    'the dictionary by name',
    "var d = new GlideRecord('dict_tables'); d.query(); answer = '/' + d.getRowCount();",
    failure('RULE_ERROR', /Invalid table name: dict_tables/),
  ],
  [
    'the rules table by name',
    "new GlideRecord('rules').query();",
    failure('RULE_ERROR', /Invalid table name: rules/),
  ],
  [
    'SQL in a field name',
    "var u = new GlideRecord('sys_user'); u.addQuery('name; drop table rules', 1); u.query();",
    failure('RULE_ERROR', /has no field/),
  ],
  [
    'SQL in an encoded query value',
    "var u = new GlideRecord('sys_user'); u.addEncodedQuery(\"name=x'); drop table rules;--\"); u.query(); answer = '/' + u.getRowCount();",
    answer('/0'),
  ],
  [
    'SQL in a query value',
    "var u = new GlideRecord('sys_user'); u.addQuery('name', \"x' OR '1'='1\"); u.query(); answer = '/' + u.getRowCount();",
    answer('/0'),
  ],
  [
    'SQL in an order by',
    "var u = new GlideRecord('sys_user'); u.addEncodedQuery('ORDERBYname; drop table rules'); u.query();",
    failure('RULE_ERROR', /invalid encoded query part/),
  ],
  [
    'SQL in a table name',
    "new GlideRecord('sys_user; drop table rules').query();",
    failure('RULE_ERROR', /Invalid table name/),
  ],
  [
    'a quoted identifier',
    "var u = new GlideRecord('sys_user'); u.addQuery('\"name\"', 'x'); u.query();",
    failure('RULE_ERROR', /has no field/),
  ],
];

describeEachDatabase('attacks through the real record reader', (db) => {
  let host: SandboxHost;
  afterAll(() => host.close());

  it.each(sqlAttacks)('%s', async (_title, script, expected) => {
    const { database, dictionary } = db();
    host ??= testHost({
      isolates: 1,
      reader: createRecordReader({ database, dictionary: () => dictionary, defaultRegion: 'US' }),
    });
    const result = await host.run(rule(script), {});
    expect(result.outcome, show(result)).toBe(expected.outcome);
    if (expected.code) expect(result.error?.code, show(result)).toBe(expected.code);
    if (expected.answer !== undefined) expect(result.answer, show(result)).toBe(expected.answer);
    if (expected.message) expect(result.error?.message, show(result)).toMatch(expected.message);
    const shown = JSON.stringify(result);
    for (const trace of [...HOST_TRACES, 'syntax error at', 'pg_', 'relation "'])
      expect(shown).not.toContain(trace);
    const rules = await database.rows<{ n: number }>(sql`select count(*)::int as n from rules`);
    expect(rules[0]?.n).toBeGreaterThan(0);
  });
});

describe('attack: the reads handed to a run (read-ahead.ts)', () => {
  const LOOKUP = "var u = new GlideRecord('sys_user'); u.addQuery('name', sysparm_caller_name); u.query();";
  /** Learns the lookup by name with one call, then runs the hostile path with the caller 'User 4' (row u4). */
  async function handedThenHostile(hostile: string): Promise<RunResult> {
    const host = testHost({ isolates: 1 });
    try {
      const script = `if (sysparm_query == 'look') { ${LOOKUP} answer = '/looked'; } else { ${hostile} }`;
      const learnt = await host.run(rule(script, 'Handed'), {
        sysparm_caller_name: 'User 2',
        sysparm_query: 'look',
      });
      expect(learnt.answer, show(learnt)).toBe('/looked');
      return await host.run(rule(script, 'Handed'), { sysparm_caller_name: 'User 4' });
    } finally {
      await host.close();
    }
  }

  it('finds nothing of them anywhere it can reach, in a shared context', async () => {
    // Every value reachable from the global object (properties, accessors, prototypes), searched for
    // the sys_id of the row handed in; the computed name keeps the rule in the shared context.
    const result = await handedThenHostile(`
      var protoOf = Object['getProto' + 'typeOf'], seen = new Set(), queue = [globalThis], found = false;
      while (queue.length > 0 && seen.size < 50000) {
        var o = queue.pop();
        if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
        seen.add(o);
        if (o instanceof Map || o instanceof Set) o.forEach(function (v, k) { queue.push(v); queue.push(k); });
        var keys = Reflect.ownKeys(o);
        for (var i = 0; i < keys.length; i++) {
          var d = Object.getOwnPropertyDescriptor(o, keys[i]);
          if (!d) continue;
          if ('value' in d) { if (d.value === 'u4' || (typeof d.value === 'string' && d.value.indexOf('u4') >= 0)) found = true; queue.push(d.value); }
          else { queue.push(d.get); queue.push(d.set); }
        }
        queue.push(protoOf(o));
      }
      answer = (found ? '/leak/' : '/clean/') + (seen.size > 100);`);
    expect(result.answer, show(result)).toBe('/clean/true');
  });

  it('cannot spy on them through replaced built-ins, in an open context', async () => {
    const result = await handedThenHostile(`
      var spied = [];
      var get = Map.prototype.get, parse = JSON.parse;
      Map.prototype.get = function (key) { spied.push(String(key)); return get.call(this, key); };
      JSON.parse = function (text) { spied.push(String(text)); return parse(text); };
      var other = new GlideRecord('sys_user'); other.addQuery('name', 'User 6'); other.query();
      answer = '/seen/' + (other.next() ? other.sys_id : 'none') + '/' + (spied.join('|').indexOf('u4') >= 0 ? 'leak' : 'clean');`);
    expect(result.answer, show(result)).toBe('/seen/u6/clean');
  });
});
