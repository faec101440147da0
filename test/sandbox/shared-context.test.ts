/**
 * Runs share a locked context (server/sandbox/driver.ts); these tests hold it to SPEC §7: no state of
 * one run is visible to another, for the same rule and across rules. One isolate, so every run
 * here goes through the same context unless the host drops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsOpenContext } from '../../server/sandbox/rule-kind.ts';
import type { SandboxHost } from '../../server/sandbox/types.ts';
import { rule, show, testHost } from './fixtures.ts';

let host: SandboxHost;
beforeAll(() => {
  host = testHost({ isolates: 1 });
});
afterAll(async () => {
  await host.close();
});

async function answerOf(script: string, name = 'TestRule', params: Record<string, string> = {}) {
  const result = await host.run(rule(script, name), params);
  expect(result.outcome, show(result)).toBe('answer');
  return result.answer;
}

/** What the next run sees of everything the runs below try to leave behind. */
const LOOK = `var P = 'proto' + 'type'; var gen = Reflect['getProto' + 'typeOf'](function* () {});
  answer = '/look?' + [typeof implicitStash, typeof varStash, typeof fnStash,
  typeof letStash, typeof [].leak, typeof gs.stash, typeof GlideRecord[P].leak, typeof JSUtil.stash, typeof trap,
  typeof fromMicrotask, typeof inherited, typeof Intl.stash, typeof gen.stash, typeof arguments.callee.stash,
  typeof JSON.parse, typeof gs.nowDateTime, Math.random() < 1, sysparm_caller_id].join(',');`;
const CLEAN = `/look?${'undefined,'.repeat(14)}function,function,true,next`;

async function expectClean(): Promise<void> {
  expect(await answerOf(LOOK, 'Look', { sysparm_caller_id: 'next' })).toBe(CLEAN);
  // The same rule again, in the same context: its own earlier run left nothing either.
  expect(await answerOf(LOOK, 'Look', { sysparm_caller_id: 'next' })).toBe(CLEAN);
}

describe('a context shared by runs', () => {
  it('serves many runs without preparing a context for each', async () => {
    await answerOf("answer = '/warm';");
    const before = host.stats().contextsCreated;
    for (let i = 0; i < 20; i++)
      expect(
        await answerOf("answer = '/n?' + sysparm_caller_id;", 'TestRule', { sysparm_caller_id: String(i) }),
      ).toBe(`/n?${i}`);
    // The pool may top up its spare context, but the runs themselves made none.
    expect(host.stats().contextsCreated - before).toBeLessThanOrEqual(1);
  });

  it("forgets a run's globals: implicit, var, function, let, and the parameters", async () => {
    const script = `implicitStash = sysparm_caller_phone; var varStash = 1; function fnStash() {} let letStash = 2;
      answer = '/s?' + implicitStash;`;
    expect(await answerOf(script, 'TestRule', { sysparm_caller_phone: '+14155550142' })).toBe(
      '/s?+14155550142',
    );
    expect(await answerOf("answer = '/p?' + sysparm_caller_phone;")).toBe('/p?null');
    await expectClean();
  });

  it('keeps built-ins and the record API frozen against a rule that reaches them without naming them', async () => {
    const script = `var P = 'proto' + 'type'; Array[P].leak = 1; gs.stash = 1; GlideRecord[P].leak = 1; JSUtil.stash = 1;
      answer = '/f?' + typeof [].leak + typeof gs.stash;`;
    expect(needsOpenContext(script)).toBe(false);
    // Sloppy mode, as on the original platform: the assignment is refused silently, in this run too.
    expect(await answerOf(script)).toBe('/f?undefinedundefined');
    await expectClean();
  });

  it.each([
    [
      'replaces the runtime and JSON',
      "gs = { stash: 1, nowDateTime: 1 }; JSON = null; GlideRecord = null; answer = '/r';",
    ],
    [
      'stashes on Intl, Math and a hidden intrinsic',
      "Intl.stash = 1; Math.random = function () { return 4; }; Reflect['getProto' + 'typeOf'](function* () {}).stash = 1; answer = '/h';",
    ],
    [
      'stashes on the function it runs in',
      "arguments.callee.stash = sysparm_caller_phone; answer = '/a?' + (arguments.callee.caller === null) + Object.isFrozen(arguments.callee);",
    ],
    [
      "stashes on the global object's prototype",
      "var gp = Reflect['getProto' + 'typeOf'](globalThis); gp.trap = sysparm_caller_phone; answer = '/gp?' + Object.isFrozen(gp);",
    ],
    ['assigns globals in bulk', "Object.assign(globalThis, { implicitStash: 1, trap: 2 }); answer = '/b';"],
  ])('%s, and the next run sees none of it', async (_title, script) => {
    expect(needsOpenContext(script)).toBe(false);
    const result = await host.run(rule(script), { sysparm_caller_phone: '+14155550142' });
    expect(result.outcome, show(result)).toBe('answer');
    if (result.answer?.startsWith('/a?')) expect(result.answer).toBe('/a?truetrue');
    await expectClean();
  });

  it('leaves nothing a rule can reach from the global object unfrozen, hidden intrinsics included', async () => {
    // Everything reachable through properties, accessors and prototypes, and the prototypes of what
    // syntax makes (iterators, generators, async functions, template objects); the global object
    // itself is sealed instead (put back at every run).
    const walk = `var G = this; var seen = new Set(); var open = []; var up = Reflect['getProto' + 'typeOf'];
      function visit(o, path) {
        if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
        seen.add(o);
        if (o !== G && !Object.isFrozen(o)) open.push(path);
        visit(up(o), path + '^');
        var keys = Reflect.ownKeys(o);
        for (var i = 0; i < keys.length; i++) {
          var d = Reflect.getOwnPropertyDescriptor(o, keys[i]);
          if ('value' in d) visit(d.value, path + '.' + String(keys[i]));
          else { visit(d.get, path + '.get ' + String(keys[i])); visit(d.set, path + '.set ' + String(keys[i])); }
        }
      }
      visit(G, 'globalThis');
      var made = { gen: function* () {}, agen: async function* () {}, afn: async function () {}, arrow: () => 1,
        arrIt: [][Symbol.iterator](), strIt: ''[Symbol.iterator](), mapIt: new Map()[Symbol.iterator](),
        setIt: new Set()[Symbol.iterator](), reIt: 'a'.matchAll(/a/g), args: (function () { return arguments; })(),
        promise: Promise.resolve(), date: new GlideDateTime(), tpl: (function (s) { return s; })\`x\` };
      for (var k in made) visit(up(made[k]), k + '^');
      answer = '/open?' + open.join('|');`;
    expect(needsOpenContext(walk)).toBe(false);
    expect(await answerOf(walk)).toBe('/open?');
  });

  it('runs a rule that changes a prototype in a fresh open context, where its change works for that run', async () => {
    const script =
      "Array.prototype.sum = function () { return this.reduce(function (a, b) { return a + b; }, 0); }; answer = '/sum?' + [1, 2, 3].sum();";
    expect(needsOpenContext(script)).toBe(true);
    expect(await answerOf(script)).toBe('/sum?6');
    expect(await answerOf("answer = '/after?' + typeof [].sum;")).toBe('/after?undefined');
    // The old habit of reading RegExp.$1 keeps working there too.
    expect(
      await answerOf("/(\\d+)/.test(sysparm_caller_id); answer = '/re?' + RegExp.$1;", 'TestRule', {
        sysparm_caller_id: 'ab42',
      }),
    ).toBe('/re?42');
  });

  it('never runs a getter an earlier run left on the global object', async () => {
    const started = performance.now();
    expect(
      await answerOf(
        "Object.defineProperty(globalThis, 'trap', { get: function () { for (;;) {} }, configurable: true }); answer = '/t';",
      ),
    ).toBe('/t');
    await expectClean();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('forgets what a promise callback set after the answer was taken', async () => {
    expect(
      await answerOf(
        "Promise.resolve().then(function () { fromMicrotask = sysparm_caller_id; }); answer = '/m';",
      ),
    ).toBe('/m');
    await expectClean();
  });

  it('drops a context whose global object cannot be put back, and the next run goes to a fresh one', async () => {
    const dirty = host.stats().dirtyContexts;
    // Named indirectly, so that they run in the shared context (rule-kind.ts).
    for (const script of [
      "Object['define' + 'Property'](globalThis, 'implicitStash', { value: 1, configurable: false }); answer = '/nc';",
      "Object['setProto' + 'typeOf'](globalThis, { inherited: 1 }); answer = '/proto';",
      "answer = '/frozen'; Object.freeze(globalThis);",
      "Object['define' + 'Property'](globalThis, 'answer', { value: '/read-only', writable: false });",
    ]) {
      expect(needsOpenContext(script)).toBe(false);
      expect((await host.run(rule(script), {})).outcome).toBe('answer');
      await expectClean();
    }
    expect(host.stats().dirtyContexts - dirty).toBe(4);
  });

  it('refuses a script that closes the function it runs in, and drops that context', async () => {
    const result = await host.run(rule('}); var varStash = 1; let letStash = 2; (function () {'), {});
    expect(result.error?.code, show(result)).toBe('RULE_ERROR');
    expect(result.error?.message).toMatch(/not close the function it runs in/);
    await expectClean();
  });

  it("keeps the rule's own line and column in errors", async () => {
    const result = await host.run(rule("var a = 1;\n\n  throw new Error('boom');"), {});
    expect(result.error?.message, show(result)).toBe('rule TestRule line 3:9: Error: boom');
  });

  it('reads a top-level var answer, and a let or const function of the rule name', async () => {
    expect(await answerOf("var answer = '/var';")).toBe('/var');
    expect(await answerOf("const TestRule = function () { return '/const'; };")).toBe('/const');
    expect(await answerOf("let answer = null; function TestRule() { answer = '/set-in-fn'; }")).toBe(
      '/set-in-fn',
    );
  });
});
