/**
 * A context made ready ahead of a run: deserialized from the isolate's snapshot (the runtime
 * already evaluated, runtime-snapshot.ts), locked down and sealed, the host attached, the driver's
 * `control` function referenced. Preparing one costs a few milliseconds and happens between runs. A
 * context then serves many runs, one at a time, each put back to the sealed state first (driver.ts
 * says how no run sees another's state); the slot drops it after a run that may have left it
 * broken, and after `runsPerContext` runs.
 */
import ivm from 'isolated-vm';
import { ATTACH_FILE, attachSource } from './bootstrap.ts';
import type { RunTrace } from './run-trace.ts';
import type { RuntimeSnapshot } from './runtime-snapshot.ts';
import { type ContextTables, emptyContextTables } from './table-descriptions.ts';

/** The scripts every context of an isolate runs before its first rule, compiled once per isolate. */
export type BaseScripts = { locked: ivm.Script; open: ivm.Script };

/** The host's handler for `$host(op, payloadJson)`; `trace` is the run that owns the context, if any. */
export type HostCallHandler = (op: unknown, payloadJson: unknown, trace: RunTrace | null) => Promise<string>;

export type PreparedContext = {
  context: ivm.Context;
  control: ivm.Reference<
    (
      config: string,
      maxOut: number,
      key: string,
      script: ivm.Script | null,
      context: ivm.Context | null,
      source: string | null,
      tables: string | null,
    ) => string
  >;
  /** The rule versions (script-cache keys) compiled in this context: their script is not sent again. */
  compiled: Set<string>;
  /** Built-ins frozen: the kind runs share. An open context serves one run (rule-kind.ts). */
  locked: boolean;
  /** The table descriptions the context holds (table-descriptions.ts). */
  tables: ContextTables;
  /** Runs made in this context. */
  runs: number;
  /** Whether the last run left the context fit for another (set by executeRun). */
  reusable: boolean;
  /** Set for the length of a run: host calls from this context are answered for that run only. */
  binding: { trace: RunTrace | null };
  release(): void;
};

/** The prelude is the runtime's own code: it gets a bound too, in case it is ever broken. */
const SETUP_TIMEOUT_MS = 2000;

/** Rejects with the runtime's own error when the snapshot could not be made. */
export async function compileBase(isolate: ivm.Isolate, runtime: RuntimeSnapshot): Promise<BaseScripts> {
  if ('error' in runtime) throw runtime.error;
  const [locked, open] = await Promise.all(
    [true, false].map((lock) => isolate.compileScript(attachSource(lock), { filename: ATTACH_FILE })),
  );
  return { locked: locked as ivm.Script, open: open as ivm.Script };
}

const INTERNAL_FAILURE = JSON.stringify({
  ok: false,
  error: { message: 'the host call failed', code: 'HOST_ERROR' },
});

export async function prepareContext(
  isolate: ivm.Isolate,
  base: BaseScripts,
  onHostCall: HostCallHandler,
  locked: boolean,
): Promise<PreparedContext> {
  const context = await isolate.createContext();
  const binding: PreparedContext['binding'] = { trace: null };
  // The handler never rejects: a rejection would reach the isolate as an error carrying host frames.
  const hostRef = new ivm.Reference((op: unknown, payloadJson: unknown) =>
    onHostCall(op, payloadJson, binding.trace).catch(() => INTERNAL_FAILURE),
  );
  // Issued together: the isolate runs them in order, and the host waits for one thread hop, not two.
  const steps = await Promise.allSettled([
    context.global.set('$hostRef', hostRef),
    (locked ? base.locked : base.open).run(context, { timeout: SETUP_TIMEOUT_MS, reference: true }),
  ]);
  const failed = steps.find((step) => step.status === 'rejected');
  const control = steps[1];
  if (failed || control?.status !== 'fulfilled' || !(control.value instanceof ivm.Reference)) {
    hostRef.release();
    context.release();
    throw failed?.status === 'rejected'
      ? failed.reason
      : new Error('the sandbox driver gave no control function');
  }
  return {
    context,
    control: control.value as PreparedContext['control'],
    compiled: new Set(),
    locked,
    tables: emptyContextTables(),
    runs: 0,
    reusable: true,
    binding,
    release() {
      binding.trace = null;
      for (const handle of [control.value as ivm.Reference, hostRef, context]) {
        try {
          handle.release();
        } catch {
          // Already gone with a disposed isolate.
        }
      }
    },
  };
}
