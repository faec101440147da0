/**
 * The shapes the sandbox host exposes to its callers (the processor, the dry-run, the CLI).
 */
import type { SandboxLimits } from '../config/env.ts';
import type { RecordReader } from '../records/types.ts';
import type { SandboxError } from './errors.ts';

export type RuleSource = {
  name: string;
  /** Part of the compile cache key, so a new version of a rule is compiled again. */
  version: number | string;
  script: string;
  clientCallable: boolean;
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type RunLog = { level: LogLevel; message: string };
/** One query of a run: `rows` is how many rows it returned. */
export type RunRead = { table: string; query: string; rows: number };
/** Reserved for the privileged service (next issue): what a run would write. */
export type RunWrite = {
  table: string;
  operation: 'insert' | 'update' | 'delete';
  sysId: string | null;
  fields: Record<string, unknown>;
};

export type RunOutcome = 'answer' | 'no_answer' | 'error';

export type RunResult = {
  answer: string | null;
  outcome: RunOutcome;
  error?: SandboxError;
  logs: RunLog[];
  reads: RunRead[];
  writes: RunWrite[];
  durationMs: number;
  /** With `wantResult`: the JSON value the rule's function returned. */
  result?: unknown;
};

export type RunOptions = {
  /** The time `gs.nowDateTime()` reports; tests pin it. */
  now?: Date;
  /** The telephony client's call id, for the host's own log lines. */
  callId?: string;
  /** A dry run: handed to the `call`/`write` handlers on the trace (they roll back). */
  dryRun?: boolean;
  // For the privileged service (SPEC §8), which runs non-client-callable rules on a host of its own:
  /** Arguments for the function of the rule's name (JSON values). */
  args?: unknown[];
  /** Take the function's JSON return value as `result` instead of an answer. */
  wantResult?: boolean;
  /** Non-client-callable rules to define as global functions (each call is the `call` host op). */
  functions?: readonly string[];
  /** The reader for this run's queries instead of the host's. */
  reader?: RecordReader;
  /** Opaque to the host: put on the run's trace for the `call` and `write` handlers. */
  privileged?: unknown;
};

/** A syntax problem, positions 1-based as an editor shows them. */
export type CompileProblem = { line: number; column: number; message: string };

/** What the in-isolate runtime brings: the prelude source and the always-defined parameters. */
export type SandboxRuntime = { prelude: string; standardParams: readonly string[] };

/** pino's calling convention, narrowed to what the host uses. */
export type SandboxLogger = {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
};

export type SandboxHostOptions = {
  limits: SandboxLimits;
  reader: RecordReader;
  logger?: SandboxLogger;
  runtime?: SandboxRuntime;
  /** Isolates in the pool (default: the number of CPUs, at least 2). */
  isolates?: number;
  /** Fresh contexts kept ready per isolate, beside the one runs reuse (default 1). */
  contextsPerIsolate?: number;
  /** Runs one context serves before it is dropped for a fresh one (default 1000). */
  runsPerContext?: number;
  /** Runs that may wait for an isolate before SANDBOX_BUSY (default DEFAULT_QUEUE_LIMIT). */
  queueLimit?: number;
  /** Recycle an isolate after this many contexts (default 1000). */
  recycleAfterContexts?: number;
  /** Recycle an isolate when its used heap passes this share of the memory limit (default 0.6). */
  recycleHeapRatio?: number;
};

export type RecycleReason = 'contexts' | 'heap' | 'memory' | 'cpu' | 'wall' | 'catastrophic';

export type SandboxStats = {
  isolates: number;
  busy: number;
  queued: number;
  readyContexts: number;
  runs: number;
  compiles: number;
  compileHits: number;
  contextsCreated: number;
  /** Contexts an earlier run left in a state that could not be put back: the run went to a fresh one. */
  dirtyContexts: number;
  /**
   * Isolates whose script ignored termination ("Script failed to terminate"). isolated-vm advises
   * restarting the process after one: its thread may stay stuck, and the process may not exit cleanly.
   */
  catastrophicErrors: number;
  /** Isolates replaced, by reason. */
  recycles: Record<RecycleReason, number>;
};

export interface SandboxHost {
  run(rule: RuleSource, params: Record<string, string>, options?: RunOptions): Promise<RunResult>;
  /** null when the script compiles; it is never run. */
  compile(script: string, name: string): Promise<CompileProblem | null>;
  stats(): SandboxStats;
  close(): Promise<void>;
}
