/**
 * The runtime evaluated once, as a V8 snapshot every isolate of a host starts from: a fresh context
 * then comes with SES, the bootstrap, the prelude and the driver already evaluated. Deserializing a
 * context costs about 0.3 ms where evaluating the prelude in it cost about 1.2 ms.
 * Nothing of a run can reach the snapshot: it is made before any rule exists. Math.random is
 * reseeded by V8 in every context made from it.
 *
 * SES (Hardened JavaScript, github.com/endojs/endo) is evaluated here but its lockdown() runs in each
 * context when it is prepared (bootstrap.ts): V8 aborts when it starts a context from a snapshot whose
 * built-ins are frozen.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ivm from 'isolated-vm';
import { BOOTSTRAP_FILE, BOOTSTRAP_SOURCE, RUNTIME_FILE } from './bootstrap.ts';
import { DRIVER_FILE, DRIVER_SOURCE } from './driver.ts';
import type { SandboxRuntime } from './types.ts';

export const SES_FILE = 'ctihost:ses';
/** SES's own script build: it defines `lockdown` and `harden` on the global object and nothing else runs. */
const SES_SOURCE = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('ses')), 'lockdown.umd.min.js'),
  'utf8',
);

/** The snapshot, or why the runtime could not be evaluated (every run then fails to start, and says so). */
export type RuntimeSnapshot = { snapshot: ivm.ExternalCopy<ArrayBuffer> } | { error: Error };

/** Synchronous (a few ms): made once per host, when it is created, never on a call's path. */
export function createRuntimeSnapshot(runtime: SandboxRuntime): RuntimeSnapshot {
  try {
    return {
      snapshot: ivm.Isolate.createSnapshot([
        { code: SES_SOURCE, filename: SES_FILE },
        { code: BOOTSTRAP_SOURCE, filename: BOOTSTRAP_FILE },
        { code: runtime.prelude, filename: RUNTIME_FILE },
        { code: DRIVER_SOURCE, filename: DRIVER_FILE },
      ]),
    };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
