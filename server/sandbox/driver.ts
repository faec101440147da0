/**
 * The in-isolate code the host runs in every fresh context after the runtime's prelude. It takes
 * `$runtime` off the global object, removes what a rule has no use for and could abuse, and evaluates
 * to one `control(config, maxOut, script, context)` function, left in the `$control` global for the
 * attach script (bootstrap.ts) to hand to the host, which keeps a Reference to it. A run is
 * then ONE asynchronous call: control begins the run, runs the rule's compiled ivm.Script in its
 * own context (synchronously, inside the isolate), and finishes it. A rule that throws is reported
 * without calling its function; the finish JSON comes back, or only its length when longer than
 * maxOut. Promise callbacks a rule queues run after the answer is taken: rules are synchronous
 * scripts, as on the original platform.
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

/** What control returns (copied out): the finish JSON or its length, or what was thrown and where. */
export type ControlResult =
  | { kind: 'answer'; json: string | null; length: number }
  | {
      kind: 'thrown';
      phase: 'begin' | 'rule';
      name: string;
      message: string;
      stack: string;
      primitive: boolean;
    };

export const DRIVER_SOURCE = `'use strict';
Object.defineProperty(globalThis, '$control', { configurable: true, value: (() => {
  const runtime = globalThis.$runtime;
  delete globalThis.$runtime;
  // The prelude deletes $host itself; this makes sure of it.
  delete globalThis.$host;
  // WebAssembly, shared memory and GC callbacks are removed by the attach script (bootstrap.ts), in
  // every context: V8 cannot start a context from a snapshot that lacks Atomics.
  // CallSite objects hand out the functions and receivers of every frame, the runtime's included.
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });

  const reflectApply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const toStr = String;
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
  const thrown = (phase, error) => {
    const primitive = error === null || (typeof error !== 'object' && typeof error !== 'function');
    try {
      if (primitive) return { kind: 'thrown', phase, name: 'Uncaught', message: text(error, 2000), stack: '', primitive };
      return { kind: 'thrown', phase, name: text(error.name, 64), message: text(error.message, 2000), stack: text(error.stack, 8000), primitive };
    } catch {
      return { kind: 'thrown', phase, name: 'Error', message: 'the rule threw a value that cannot be shown', stack: '', primitive };
    }
  };

  const begin = runtime.begin;
  const finish = runtime.finish;
  return function control(json, maxOut, script, context) {
    try {
      reflectApply(begin, runtime, [json]);
    } catch (error) {
      return thrown('begin', error);
    }
    try {
      script.runSync(context);
    } catch (error) {
      return thrown('rule', error);
    }
    let out;
    try {
      out = reflectApply(finish, runtime, []);
    } catch (error) {
      return thrown('rule', error);
    }
    if (typeof out !== 'string') return { kind: 'answer', json: null, length: 0 };
    // A huge answer is measured here rather than copied out of the isolate.
    return out.length > maxOut ? { kind: 'answer', json: null, length: out.length } : { kind: 'answer', json: out, length: out.length };
  };
})() });`;
