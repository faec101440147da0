/**
 * One run in a prepared context: one asynchronous call of the driver's `control`, which begins,
 * runs the rule and finishes inside the isolate, under the CPU watch. A script stuck in a builtin
 * that never checks for termination can leave isolated-vm's promise unsettled after its isolate is
 * disposed; the run is then abandoned shortly after the disposal, so the host never hangs.
 */
import type ivm from 'isolated-vm';
import type { SandboxLimits } from '../config/env.ts';
import { MAX_RESULT_LENGTH, maxFinishLength, readAnswer } from './answer.ts';
import { type ControlResult, decodeControl, functionText } from './driver.ts';
import { hostCallsError } from './host-calls.ts';
import { cpuUpperBound, otherThreadsCpuMs, recentOtherThreadsCpuMs, watchLimits } from './limit-watch.ts';
import type { PreparedContext } from './prepared-context.ts';
import { type RunEnd, timeoutError } from './run-failure.ts';
import { type RunTrace, recordBreach } from './run-trace.ts';
import { holdTables, type RunTables, tablesToSend } from './table-descriptions.ts';
import type { RuleSource } from './types.ts';

export type Execution = {
  isolate: ivm.Isolate;
  prepared: PreparedContext;
  script: ivm.Script;
  /** The script-cache key of the rule's version. */
  key: string;
  rule: RuleSource;
  config: string;
  /** The rule's tables; the context gets those it does not hold yet. */
  tables: RunTables;
  trace: RunTrace;
  limits: SandboxLimits;
  started: number;
  /** A privileged call: the function's JSON result is wanted, not an answer. */
  wantResult: boolean;
  /** Dispose the isolate for a broken limit. */
  kill(limit: 'cpu' | 'wall'): void;
};

/** What the run threw, and where: 'begin' runs only the runtime, so a failure there is the sandbox's. */
export type Thrown = { thrown: unknown; phase: 'begin' | 'rule' };
/** The context could not be put back to its sealed state: nothing of the rule ran, run it in another. */
export type Dirty = { dirty: true };

/** How long a disposed isolate's promises get to settle before the run is given up on. */
const ABANDON_AFTER_MS = 100;

/** The thrown value as an Error the host's formatting reads (a primitive stays a primitive). */
function thrownError(done: Extract<ControlResult, { kind: 'thrown' }>): unknown {
  if (done.primitive) return done.message;
  const error = new Error(done.message);
  error.name = done.name || 'Error';
  error.stack = done.stack;
  return error;
}

export const GONE_MESSAGE = 'the isolate was disposed under the run (memory limit)';

/**
 * Runs the rule in the prepared context. `prepared.reusable` is left false when the context must not
 * serve another run: the run was stopped inside it, or its script broke out of its function.
 */
export async function executeRun(x: Execution): Promise<RunEnd | Thrown | Dirty> {
  const { isolate, prepared, limits, trace } = x;
  let abandon: (error: Error) => void = () => {};
  const abandoned = new Promise<never>((_, reject) => {
    abandon = (error) => setTimeout(() => reject(error), ABANDON_AFTER_MS).unref();
  });
  abandoned.catch(() => {});
  const settle = <T>(promise: Promise<T>) => Promise.race([promise, abandoned]);

  const cpuStart = isolate.cpuTime;
  const othersStart = recentOtherThreadsCpuMs();
  const watch = watchLimits({
    cpuMs: limits.cpuMs,
    wallMs: limits.wallMs,
    cpuUsed: () =>
      isolate.isDisposed
        ? null
        : cpuUpperBound(Number(isolate.cpuTime - cpuStart) / 1e6, otherThreadsCpuMs() - othersStart),
    onBreach: (limit) => {
      recordBreach(trace, timeoutError(x.rule.name, limit, limits));
      x.kill(limit);
      abandon(new Error('Isolate was disposed during execution'));
    },
    onGone: () => abandon(new Error(GONE_MESSAGE)),
  });
  prepared.binding.trace = trace;
  prepared.runs += 1;
  prepared.reusable = false;
  const maxOut = x.wantResult ? MAX_RESULT_LENGTH : maxFinishLength(limits.maxAnswer);
  // The script and its text go in only the first time this context runs this version.
  const first = !prepared.compiled.has(x.key);
  const sent = tablesToSend(prepared.tables, x.tables);
  try {
    const out = await settle(
      prepared.control.apply(
        undefined,
        [
          x.config,
          maxOut,
          x.key,
          first ? x.script : null,
          first ? prepared.context : null,
          first ? functionText(x.rule.name, x.rule.script) : null,
          sent.json,
        ],
        { timeout: limits.wallMs },
      ),
    );
    if (trace.breach) return { error: trace.breach };
    const done = decodeControl(out);
    if (done.kind === 'dirty') return { dirty: true };
    if (done.taken !== undefined) {
      // Reads handed in with the start and taken in the isolate: traced and counted as host calls.
      if (!trace.ahead) throw new Error('the runtime reported reads it was never handed');
      trace.hostCalls += trace.ahead.acceptTaken(done.taken, trace.reads);
      if (trace.hostCalls > limits.hostCalls) recordBreach(trace, hostCallsError(limits.hostCalls));
      if (trace.breach) return { error: trace.breach };
    }
    prepared.reusable = done.kind === 'answer' || done.reusable;
    if (prepared.reusable) {
      if (first) prepared.compiled.add(x.key);
      holdTables(prepared.tables, sent.names, trace.described);
    }
    // Now that the run is out of the isolate, cpuTime is the thread's true CPU time: a run that
    // used more than its limit fails, even if the watch (which sees wall time, see limit-watch.ts)
    // let it finish.
    const cpu = isolate.isDisposed ? 0 : Number(isolate.cpuTime - cpuStart) / 1e6;
    if (cpu > limits.cpuMs) return { error: recordBreach(trace, timeoutError(x.rule.name, 'cpu', limits)) };
    if (done.kind === 'thrown') return { thrown: thrownError(done), phase: done.phase };
    // No JSON and no length: finish() gave something that is not a string (readAnswer refuses it).
    const finished = done.json ?? (done.length > 0 ? done.length : null);
    return readAnswer(x.rule.name, finished, limits.maxAnswer, x.wantResult);
  } catch (thrown) {
    // Termination (a timeout, the isolate disposed) cannot be caught inside: it rejects the call.
    return { thrown, phase: 'rule' };
  } finally {
    watch.stop();
    prepared.binding.trace = null;
  }
}
