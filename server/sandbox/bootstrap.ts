/**
 * The in-isolate code that ties a context to the host. The isolate's snapshot (runtime-snapshot.ts)
 * holds the runtime already evaluated, so the host's Reference cannot be in it: BOOTSTRAP_SOURCE runs
 * first at snapshot time and defines the `$host(op, payloadJson)` function of the runtime contract,
 * bound late; attachSource() runs in every context before any rule, takes the `$hostRef` global
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

/**
 * SES's lockdown() options. Errors keep V8's stacks (the host maps them to the rule's lines), eval
 * and Function keep working as in any script, and toLocaleString keeps the locale: rules are
 * ordinary sloppy scripts, and lockdown is here to freeze the shared built-ins, nothing more.
 */
export const LOCKDOWN_OPTIONS = {
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  overrideTaming: 'moderate',
  evalTaming: 'unsafe-eval',
  localeTaming: 'unsafe',
  consoleTaming: 'unsafe',
  reporting: 'none',
} as const;

/** Globals SES defines; the host takes what it needs and removes them before any rule. */
const SES_GLOBALS = ['lockdown', 'repairIntrinsics', 'Compartment', 'assert', 'harden', 'getStackString'];

/**
 * Run once per context, before any rule: the host attached, the context sealed (driver.ts) and the
 * driver's control handed out. A `locked` context (the kind runs reuse) first has its built-ins
 * frozen by lockdown(): about 6 ms of the isolate's CPU, once per context, not per run. An open
 * context is for one run of a rule that changes built-ins (rule-kind.ts): nothing is frozen, and
 * it is dropped after that run.
 */
export function attachSource(locked: boolean): string {
  const freeze = locked
    ? `globalThis.lockdown(${JSON.stringify(LOCKDOWN_OPTIONS)});
  const harden = globalThis.harden;`
    : `// CallSite objects hand out the functions and receivers of every frame, the runtime's included.
  // (Under lockdown, SES's own Error accessors refuse to be set once Error is hardened.)
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  const harden = null;`;
  return `'use strict';
(() => {
  // Shared memory and blocking waits, WebAssembly (compiled on threads the CPU limit does not see)
  // and GC callbacks (which could run during a later run) have no place in a CTI rule. Removed here,
  // not in the snapshot: V8 cannot start a context from a snapshot that lacks Atomics.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'WeakRef']) {
    delete globalThis[name];
  }
  ${freeze}
  for (const name of ${JSON.stringify(SES_GLOBALS)}) delete globalThis[name];
  const attach = globalThis.$attachHost;
  const driver = globalThis.$driver;
  delete globalThis.$driver;
  attach();
  // Sealing makes one empty run first: the runtime's own functions are compiled and their inline
  // caches warm here, between calls, instead of during the first (real) run.
  driver.seal(harden);
  return driver.control;
})();`;
}
