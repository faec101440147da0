/**
 * What one run collects on the host side: its logs, reads and writes, the host calls it made, and
 * the first limit it broke. The breach lives here, outside the isolate, so a script that catches
 * the error it was thrown cannot make the run succeed.
 */
import type { SandboxError } from './errors.ts';
import type { RunLog, RunRead, RunWrite } from './types.ts';

export type RunTrace = {
  readonly ruleName: string;
  readonly callId: string | undefined;
  readonly logs: RunLog[];
  readonly reads: RunRead[];
  readonly writes: RunWrite[];
  hostCalls: number;
  /** The first limit broken; later ones do not replace it. */
  breach: SandboxError | null;
  /** Set when the run is over: a late call from its context (a dangling callback) is refused. */
  ended: boolean;
};

export const createRunTrace = (ruleName: string, callId?: string): RunTrace => ({
  ruleName,
  callId,
  logs: [],
  reads: [],
  writes: [],
  hostCalls: 0,
  breach: null,
  ended: false,
});

export function recordBreach(trace: RunTrace, error: SandboxError): SandboxError {
  trace.breach ??= error;
  return trace.breach;
}
