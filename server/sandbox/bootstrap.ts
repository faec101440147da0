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
