/**
 * The in-isolate code the host runs in every context after the runtime's prelude. It takes `$runtime`
 * off the global object, removes what a rule has no use for and could abuse, and leaves a `$driver`
 * global for the attach script (bootstrap.ts): `seal(harden)` once the context is locked down, and
 * `control(config, maxOut, key, script, context, source, tables)`, which the host keeps a
 * Reference to. A run is ONE asynchronous call of control: it puts the context back as it was
 * sealed, begins the run, calls the rule and finishes it; the finish JSON comes back, or only its
 * length when longer than maxOut. A rule that throws is reported without calling its function.
 * Promise callbacks a rule queues run after the answer is taken: rules are synchronous scripts, as
 * on the original platform.
 *
 * WHY ONE CONTEXT SERVES MANY RUNS, AND HOW NO RUN SEES ANOTHER'S STATE (SPEC §7). A fresh context per
 * run costs a deserialization and cold inline caches: about 0.5 ms of the isolate's CPU per run, more
 * than the rule itself. So a context is reused, and everything a run could change is either frozen
 * or put back:
 * - the built-ins (every prototype, constructor and hidden intrinsic) are frozen by SES's lockdown(),
 *   and every other global's value (the runtime's API included) by its harden(), before any rule;
 *   SES keeps assignments like `o.toString = …` working on frozen prototypes (its override taming),
 *   removes RegExp's legacy statics (RegExp.$1 would show the last match of an earlier run); with
 *   Error hardened, its accessors Error.prepareStackTrace and Error.stackTraceLimit refuse to be set;
 * - the rule's script is compiled once per version as the body of a function (script-cache.ts):
 *   its top-level var, let, const and function declarations belong to that run's call;
 * - the global object is sealed: its built-in and runtime globals read-only, `answer` and the
 *   standard parameters writable slots, none deletable; at the start of every run the properties an
 *   earlier run added (its implicit globals, other parameters) are deleted and the slots cleared.
 *   A global object that cannot be put back (a non-configurable property added, a slot made
 *   read-only, its prototype replaced, made non-extensible) makes the run answer `dirty`: the host
 *   then drops the context and runs the rule in a fresh one;
 * - the runtime forgets the rows it read at begin, and its table descriptions when the dictionary
 *   changed (prelude.js, table-descriptions.ts); those are frozen, and come from the host.
 *
 * Strict (no `caller`/`arguments` walking into it); every built-in it uses is captured before any
 * rule can replace it.
 */
export const DRIVER_FILE = 'ctihost:driver';

/**
 * Array builtins walk a sparse array's whole `length` in C++ without checking for termination:
 * `a.length = 1e8; a.fill(0)` ignores the CPU limit, the isolate's disposal and isolated-vm's
 * timeout, and ends in "Script failed to terminate". No rule needs a million elements (the memory
 * limit could not hold them densely), so these methods refuse longer arrays before they start. This
 * covers arrays and plain array-likes; a Proxy or a length getter that changes between reads can
 * still get through: running the isolates in a child process that can be killed is the full answer.
 */
const MAX_ARRAY_LENGTH = 1_000_000;
const GUARDED_ARRAY_METHODS = [
  'copyWithin',
  'every',
  'fill',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flat',
  'flatMap',
  'forEach',
  'includes',
  'indexOf',
  'join',
  'lastIndexOf',
  'map',
  'reduce',
  'reduceRight',
  'reverse',
  'shift',
  'slice',
  'some',
  'sort',
  'splice',
  'toLocaleString',
  'toReversed',
  'toSorted',
  'toSpliced',
  'unshift',
  'with',
];

/**
 * The rule's script as the body of one function, compiled with `lineOffset: -1` so that its lines
 * keep their numbers. The function hands back what finish() needs to read `answer` and the rule's
 * function as the script's own code sees them, top-level let/const included. A script that is not
 * one function body (`}); …; (function () {`) is caught in the isolate: the function compiled must
 * span exactly the wrapper's text (control compares it with `functionText`).
 */
export function wrapRuleSource(name: string, script: string): string {
  return `(${functionText(name, script)})`;
}

export function functionText(name: string, script: string): string {
  const ruleFunction = /^[A-Za-z_$][\w$]*$/.test(name)
    ? `typeof ${name} === 'function' ? ${name} : undefined`
    : 'undefined';
  return `function(){\n${script}\n;return { answer: function () { return answer; }, ruleFunction: ${ruleFunction} };\n}`;
}

/**
 * What control returns, decoded from the one string it hands out: `A` and the finish JSON, `L` and
 * its length when longer than maxOut, `N` when finish gave no string, `D` when the context could not
 * be put back, `T` and the JSON of what was thrown and where. Any of these after a rule ran may be
 * preceded by `G`, the JSON of the given reads it took (read-ahead.ts) and a newline (which JSON
 * text never holds unescaped): `taken` carries that JSON.
 */
export type ControlResult =
  | { kind: 'answer'; json: string | null; length: number }
  | { kind: 'dirty' }
  | {
      kind: 'thrown';
      phase: 'begin' | 'rule';
      name: string;
      message: string;
      stack: string;
      primitive: boolean;
      /** False when the rule's script broke out of its function: the context is never used again. */
      reusable: boolean;
    };

export const DRIVER_SOURCE = `'use strict';
Object.defineProperty(globalThis, '$driver', { configurable: true, value: (() => {
  const runtime = globalThis.$runtime;
  delete globalThis.$runtime;
  // The prelude deletes $host itself; this makes sure of it.
  delete globalThis.$host;
  // WebAssembly, shared memory and GC callbacks are removed by the attach script (bootstrap.ts), in
  // every context: V8 cannot start a context from a snapshot that lacks Atomics.

  const G = globalThis;
  const reflectApply = Reflect.apply;
  const { defineProperty, getPrototypeOf, isExtensible } = Object;
  const { ownKeys, getOwnPropertyDescriptor, deleteProperty } = Reflect;
  const uncurry = (fn) => (self, ...args) => reflectApply(fn, self, args);
  const [mapGet, mapSet] = [Map.prototype.get, Map.prototype.set].map(uncurry);
  const setHas = uncurry(Set.prototype.has);
  const functionToString = uncurry(Function.prototype.toString);
  const ErrorCtor = Error;
  const MapCtor = Map;
  const SetCtor = Set;
  const toStr = String;
  const jsonStringify = JSON.stringify;
  const RangeErrorCtor = RangeError;
  const lengthOf = (value) => (value === null || value === undefined ? 0 : +value.length);
  const guard = (target, name, label, subject) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const guarded = {
      [name](...args) {
        if (lengthOf(subject(this, args)) > ${MAX_ARRAY_LENGTH})
          throw new RangeErrorCtor(label + ': arrays of more than ${MAX_ARRAY_LENGTH} elements are not allowed in a rule');
        return reflectApply(original, this, args);
      },
    }[name];
    defineProperty(guarded, 'length', { value: original.length });
    defineProperty(target, name, { value: guarded, writable: true, configurable: true, enumerable: false });
  };
  for (const name of ${JSON.stringify(GUARDED_ARRAY_METHODS)}) guard(Array.prototype, name, 'Array.prototype.' + name, (self) => self);
  guard(Array, 'from', 'Array.from', (_self, args) => args[0]);

  // Strings only, read once, each bounded: a getter on the thrown value runs here, under the run's limits.
  const text = (value, max) => {
    const s = typeof value === 'string' ? value : value === undefined ? '' : toStr(value);
    return s.length > max ? s.slice(0, max) : s;
  };
  const thrownOf = (phase, error, reusable) => {
    const primitive = error === null || (typeof error !== 'object' && typeof error !== 'function');
    try {
      if (primitive) return { kind: 'thrown', phase, name: 'Uncaught', message: text(error, 2000), stack: '', primitive, reusable };
      return { kind: 'thrown', phase, name: text(error.name, 64), message: text(error.message, 2000), stack: text(error.stack, 8000), primitive, reusable };
    } catch {
      return { kind: 'thrown', phase, name: 'Error', message: 'the rule threw a value that cannot be shown', stack: '', primitive, reusable };
    }
  };
  // A string crosses to the host without isolated-vm's copying of an object (decodeControl).
  const thrown = (phase, error, reusable = true) => 'T' + jsonStringify(thrownOf(phase, error, reusable));

  // ── The global object as sealed, and putting it back ─────────────────────────────────────────
  let baselineKeys = new SetCtor();
  let slots = [];
  let globalProto = null;
  let hardenFn = null;

  /**
   * Once per context, before any rule. A locked context (harden given, after lockdown()) has every
   * global's value frozen; one empty run warms the runtime; then the global object is sealed: the
   * globals that run assigned (answer and the standard parameters) stay writable, as slots every
   * run's begin sets, every other one becomes read-only, and none can be deleted or redefined. So
   * putting the global object back is deleting what a run added and clearing the slots. An open
   * context (harden null) serves one run: its globals stay as they are, as on the original platform.
   */
  function seal(harden) {
    hardenFn = harden ?? ((value) => value);
    const before = ownKeys(G);
    for (let i = 0; harden && i < before.length; i++) {
      const d = getOwnPropertyDescriptor(G, before[i]);
      for (const value of [d.value, d.get, d.set])
        if (value !== G && ((typeof value === 'object' && value !== null) || typeof value === 'function')) harden(value);
    }
    // The global object's own prototype is no built-in SES knows: a run could stash on it what
    // every later run would then read as a global.
    for (let proto = getPrototypeOf(G); harden && proto !== null; proto = getPrototypeOf(proto)) harden(proto);
    const builtIn = new SetCtor(before);
    try {
      warm();
    } catch {}
    const keys = ownKeys(G);
    slots = [];
    for (let i = 0; i < keys.length; i++) if (!setHas(builtIn, keys[i])) slots[slots.length] = keys[i];
    for (let i = 0; harden && i < keys.length; i++) {
      const d = getOwnPropertyDescriptor(G, keys[i]);
      if ('value' in d) d.writable = d.writable && !setHas(builtIn, keys[i]);
      d.configurable = false;
      defineProperty(G, keys[i], d);
    }
    baselineKeys = new SetCtor(keys);
    globalProto = getPrototypeOf(G);
  }

  /**
   * The global object back as sealed; false when it cannot be (a property that will not be deleted,
   * a slot made read-only, the object frozen or its prototype replaced). Reads no property's value:
   * no getter a run left runs here.
   */
  function reset() {
    if (getPrototypeOf(G) !== globalProto || !isExtensible(G)) return false;
    const keys = ownKeys(G);
    for (let i = 0; i < keys.length; i++)
      if (!setHas(baselineKeys, keys[i]) && !deleteProperty(G, keys[i])) return false;
    // Strict code: a slot a run made read-only throws here, and the context is dropped.
    for (let i = 0; i < slots.length; i++) G[slots[i]] = null;
    return true;
  }

  // ── The rules compiled in this context, by the host's key ────────────────────────────────────
  const rules = new MapCtor();
  function ruleOf(key, script, context, source) {
    if (script === null || script === undefined) return mapGet(rules, key);
    const fn = script.runSync(context, { reference: true }).deref();
    if (typeof fn !== 'function' || functionToString(fn) !== source) return null;
    hardenFn(fn);
    mapSet(rules, key, fn);
    return fn;
  }

  const begin = runtime.begin;
  const finish = runtime.finish;
  const taken = runtime.taken;
  function control(json, maxOut, key, script, context, source, tables) {
    try {
      if (!reset()) return 'D';
    } catch {
      return 'D';
    }
    let fn;
    try {
      fn = ruleOf(key, script, context, source);
    } catch (error) {
      return thrown('rule', error, false);
    }
    if (fn === null)
      return thrown('rule', new ErrorCtor('the script must be statements of one script, not close the function it runs in'), false);
    if (typeof fn !== 'function') return 'D';
    try {
      reflectApply(begin, runtime, [json, tables]);
    } catch (error) {
      return thrown('begin', error);
    }
    const out = runRule(fn, maxOut);
    // The reads the host handed in that the rule took (read-ahead.ts), ahead of the result.
    const took = typeof taken === 'function' ? reflectApply(taken, runtime, []) : '';
    return took === '' ? out : 'G' + took + '\\n' + out;
  }

  function runRule(fn, maxOut) {
    let scope;
    try {
      scope = reflectApply(fn, undefined, []);
    } catch (error) {
      return thrown('rule', error);
    }
    let out;
    try {
      out = reflectApply(finish, runtime, [scope]);
    } catch (error) {
      return thrown('rule', error);
    }
    if (typeof out !== 'string') return 'N';
    // A huge answer is measured here rather than copied out of the isolate.
    return out.length > maxOut ? 'L' + out.length : 'A' + out;
  }

  /** One empty run, before any rule exists in this context, so the runtime's functions are warm. */
  function warm() {
    reflectApply(begin, runtime, ['{"ruleName":"","params":{}}']);
    reflectApply(finish, runtime, [{ answer: () => null, ruleFunction: undefined }]);
  }
  return { seal, control };
})() });`;

/** The host's side of control's string (see ControlResult); anything else is the driver's own bug. */
export function decodeControl(out: unknown): ControlResult & { taken?: string } {
  if (typeof out !== 'string' || out.length === 0) throw new Error('the sandbox driver returned no result');
  if (out[0] === 'G') {
    const end = out.indexOf('\n');
    if (end < 0) throw new Error('the sandbox driver returned an unfinished result');
    return { ...decodeControl(out.slice(end + 1)), taken: out.slice(1, end) };
  }
  const body = out.slice(1);
  switch (out[0]) {
    case 'A':
      return { kind: 'answer', json: body, length: body.length };
    case 'L':
      return { kind: 'answer', json: null, length: Number(body) };
    case 'N':
      return { kind: 'answer', json: null, length: 0 };
    case 'D':
      return { kind: 'dirty' };
    case 'T':
      return JSON.parse(body) as ControlResult;
    default:
      throw new Error('the sandbox driver returned an unknown result');
  }
}
