/**
 * The in-isolate code the host itself runs in every fresh context, around the runtime's prelude:
 *
 * 1. BOOTSTRAP, before the prelude: turns the `$hostRef` global (an ivm.Reference to the host's
 *    async handler) into the `$host(op, payloadJson)` function of the runtime contract. Only strings
 *    cross: anything else is refused inside, so no hostile value ever reaches the host, and the
 *    Reference itself stays in a closure the rule cannot reach.
 * 2. DRIVER, after the prelude: takes `$runtime` off the global object, removes what a rule has no
 *    use for and could abuse, and evaluates to one `control(action, json)` function the host keeps a
 *    Reference to, so a run is `control(BEGIN, config, maxOut)`, the rule's script,
 *    `control(FINISH)` (the finish JSON, or its length when longer than maxOut).
 *
 * Both are strict (no `caller`/`arguments` walking into them) and capture every built-in they use
 * before any rule can replace it.
 */
export const BOOTSTRAP_FILE = 'ctihost:bootstrap';
export const DRIVER_FILE = 'ctihost:driver';
export const RUNTIME_FILE = 'ctihost:runtime';

export const CONTROL_BEGIN = 1;
export const CONTROL_FINISH = 2;

export const BOOTSTRAP_SOURCE = `'use strict';
(() => {
  const ref = globalThis.$hostRef;
  delete globalThis.$hostRef;
  const applySyncPromise = ref.applySyncPromise;
  const reflectApply = Reflect.apply;
  const refused = '{"ok":false,"error":{"message":"host calls take an operation name and a JSON string","code":"BAD_CALL"}}';
  Object.defineProperty(globalThis, '$host', {
    configurable: true,
    writable: true,
    value: function $host(op, payloadJson) {
      if (typeof op !== 'string' || typeof payloadJson !== 'string') return refused;
      return reflectApply(applySyncPromise, ref, [undefined, [op, payloadJson]]);
    },
  });
})();`;

/**
 * Array builtins walk a sparse array's whole `length` in C++ without checking for termination:
 * `a.length = 1e8; a.fill(0)` ignores the CPU limit, the isolate's disposal and isolated-vm's
 * timeout, and ends in "Script failed to terminate". No rule needs a million elements (the memory
 * limit could not hold them densely), so the methods refuse longer arrays before they start. This
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

export const DRIVER_SOURCE = `'use strict';
(() => {
  const runtime = globalThis.$runtime;
  delete globalThis.$runtime;
  // The prelude deletes $host itself; this makes sure of it.
  delete globalThis.$host;
  // Shared memory and blocking waits, WebAssembly (compiled on threads the CPU limit does not see)
  // and GC callbacks (which could run during a later run) have no place in a CTI rule.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef']) {
    delete globalThis[name];
  }
  // CallSite objects hand out the functions and receivers of every frame, the runtime's included.
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  const reflectApply = Reflect.apply;
  // Array methods refuse sparse giants (see MAX_ARRAY_LENGTH).
  const defineProperty = Object.defineProperty;
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
  const begin = runtime.begin;
  const finish = runtime.finish;
  let maxOut = 0;
  return function control(action, json, limit) {
    if (action === ${CONTROL_BEGIN}) {
      maxOut = limit;
      reflectApply(begin, runtime, [json]);
      return null;
    }
    const out = reflectApply(finish, runtime, []);
    // A huge answer is measured here rather than copied out of the isolate.
    if (typeof out !== 'string') return null;
    return out.length > maxOut ? out.length : out;
  };
})();`;
