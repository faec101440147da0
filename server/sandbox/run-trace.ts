/**
 * What one run collects on the host side: its logs, reads and writes, the host calls it made, and
 * the first limit it broke. The breach lives here, outside the isolate, so a script that catches
 * the error it was thrown cannot make the run succeed.
 */
import type { RecordReader } from '../records/types.ts';
import type { SandboxError } from './errors.ts';
import type { RunReadAhead } from './read-ahead.ts';
import type { RunLog, RunOptions, RunRead, RunWrite } from './types.ts';

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
  /** The reader of this run's queries, when not the host's (a privileged call reads in its transaction). */
  readonly reader: RecordReader | undefined;
  /** Opaque to the host: the privileged service's scope, for its `call` and `write` handlers. */
  readonly privileged: unknown;
  readonly dryRun: boolean;
  /** The tables the run asked to describe (business tables or not). */
  readonly described: Set<string>;
  /** Kept by the privileged service on the top-level run. */
  writeCount?: number;
  /** Reads made ahead for this run (read-ahead.ts), when it may take them. */
  ahead?: RunReadAhead;
};

export const createRunTrace = (
  ruleName: string,
  options: Pick<RunOptions, 'callId' | 'reader' | 'privileged' | 'dryRun'> = {},
): RunTrace => ({
  ruleName,
  callId: options.callId,
  logs: [],
  reads: [],
  writes: [],
  hostCalls: 0,
  described: new Set(),
  breach: null,
  ended: false,
  reader: options.reader,
  privileged: options.privileged,
  dryRun: options.dryRun ?? false,
});

export function recordBreach(trace: RunTrace, error: SandboxError): SandboxError {
  trace.breach ??= error;
  return trace.breach;
}
