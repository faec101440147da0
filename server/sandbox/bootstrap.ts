/**
 * The in-isolate code the host runs in every fresh context before the runtime's prelude: it turns
 * the `$hostRef` global (an ivm.Reference to the host's async handler) into the `$host(op,
 * payloadJson)` function of the runtime contract. Only strings cross: anything else is refused
 * inside, so no hostile value ever reaches the host, and the Reference stays in a closure no rule
 * can reach. Strict, and it captures what it uses before any rule can replace it.
 */
export const BOOTSTRAP_FILE = 'ctihost:bootstrap';
export const RUNTIME_FILE = 'ctihost:runtime';

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
