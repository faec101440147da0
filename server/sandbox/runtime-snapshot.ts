/**
 * The runtime evaluated once, as a V8 snapshot every isolate of a host starts from: a fresh context
 * then comes with the bootstrap, the prelude and the driver already run. Deserializing a context
 * costs about 0.3 ms where evaluating the prelude in it cost about 1.2 ms, so the pool prepares
 * contexts four times faster and a run rarely finds its isolate busy preparing one.
 * Nothing of a run can reach the snapshot: it is made before any rule exists, and every context is
 * still used for one run only. Math.random is reseeded by V8 in every context made from it.
 */
import ivm from 'isolated-vm';
import { BOOTSTRAP_FILE, BOOTSTRAP_SOURCE, RUNTIME_FILE } from './bootstrap.ts';
import { DRIVER_FILE, DRIVER_SOURCE } from './driver.ts';
import type { SandboxRuntime } from './types.ts';

/** The snapshot, or why the runtime could not be evaluated (every run then fails to start, and says so). */
export type RuntimeSnapshot = { snapshot: ivm.ExternalCopy<ArrayBuffer> } | { error: Error };

/** Synchronous (a few ms): made once per host, when it is created, never on a call's path. */
export function createRuntimeSnapshot(runtime: SandboxRuntime): RuntimeSnapshot {
  try {
    return {
      snapshot: ivm.Isolate.createSnapshot([
        { code: BOOTSTRAP_SOURCE, filename: BOOTSTRAP_FILE },
        { code: runtime.prelude, filename: RUNTIME_FILE },
        { code: DRIVER_SOURCE, filename: DRIVER_FILE },
      ]),
    };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
