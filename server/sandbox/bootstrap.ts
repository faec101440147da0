/**
 * The in-isolate code that ties a context to the host. The isolate's snapshot (runtime-snapshot.ts)
 * holds the runtime already evaluated, so the host's Reference cannot be in it: BOOTSTRAP_SOURCE runs
 * first at snapshot time and defines the `$host(op, payloadJson)` function of the runtime contract,
 * bound late; ATTACH_SOURCE runs in every fresh context before any rule, takes the `$hostRef` global
 * (an ivm.Reference to the host's async handler) into that closure, and evaluates to the driver's
 * `control` function. Only strings cross: anything else is refused inside, so no hostile value ever
 * reaches the host, and the Reference stays in a closure no rule can reach. Strict, and it captures
 * what it uses before any rule can replace it.
 */
export const BOOTSTRAP_FILE = 'ctihost:bootstrap';
export const RUNTIME_FILE = 'ctihost:runtime';
export const ATTACH_FILE = 'ctihost:attach';

export const BOOTSTRAP_SOURCE = `'use strict';
(() => {
  let ref = null;
  let applySyncPromise = null;
  const reflectApply = Reflect.apply;
  const refused = '{"ok":false,"error":{"message":"host calls take an operation name and a JSON string","code":"BAD_CALL"}}';
  const detached = '{"ok":false,"error":{"message":"the host is not attached","code":"HOST_ERROR"}}';
  Object.defineProperty(globalThis, '$host', {
    configurable: true,
    writable: true,
    value: function $host(op, payloadJson) {
      if (typeof op !== 'string' || typeof payloadJson !== 'string') return refused;
      if (ref === null) return detached;
      return reflectApply(applySyncPromise, ref, [undefined, [op, payloadJson]]);
    },
  });
  Object.defineProperty(globalThis, '$attachHost', {
    configurable: true,
    value: function attachHost() {
      delete globalThis.$attachHost;
      const given = globalThis.$hostRef;
      delete globalThis.$hostRef;
      if (ref !== null) return;
      applySyncPromise = given.applySyncPromise;
      ref = given;
    },
  });
})();`;

/** Run once per context, before any rule: the host is attached, and the driver's control handed out. */
export const ATTACH_SOURCE = `'use strict';
(() => {
  // Shared memory and blocking waits, WebAssembly (compiled on threads the CPU limit does not see)
  // and GC callbacks (which could run during a later run) have no place in a CTI rule. Removed here,
  // not in the snapshot: V8 cannot start a context from a snapshot that lacks Atomics.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef']) {
    delete globalThis[name];
  }
  const attach = globalThis.$attachHost;
  const control = globalThis.$control;
  delete globalThis.$control;
  attach();
  // One empty run, before any rule exists in this context: the runtime's own functions are compiled
  // and their inline caches warm here, between calls, instead of during the first (real) run.
  // begin() of the real run sets every global this one touched.
  try {
    control('{"ruleName":"","params":{}}', 0, { runSync() {} }, null);
  } catch {}
  return control;
})();`;
