/**
 * The sandbox host: a pool of isolates (SPEC §7, §12) that runs rules, one per isolate at a time, so
 * one spinning rule never delays another. A run goes to an idle isolate, preferring one with a
 * context ready, no maintenance in flight and the rule already compiled; when every isolate is busy
 * it waits in a bounded queue.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_QUEUE_LIMIT } from '../config/env.ts';
import { SANDBOX_ERROR, sandboxError } from './errors.ts';
import { defaultHandlers, type HostCallDeps, type HostHandlers, handleHostCall } from './host-calls.ts';
import { IsolateSlot, type SlotCounters } from './isolate-slot.ts';
import { ReadAhead, withGivenReads } from './read-ahead.ts';
import { RuleChecker } from './rule-checker.ts';
import type { RunEnd } from './run-failure.ts';
import { createRunTrace } from './run-trace.ts';
import { PRELUDE_SOURCE, STANDARD_PARAMS } from './runtime/index.ts';
import { createRuntimeSnapshot } from './runtime-snapshot.ts';
import { scriptKey } from './script-cache.ts';
import { TableDescriptions } from './table-descriptions.ts';
import type {
  RuleSource,
  RunOptions,
  RunResult,
  SandboxHost,
  SandboxHostOptions,
  SandboxRuntime,
  SandboxStats,
} from './types.ts';

export type CreateSandboxHostOptions = SandboxHostOptions & {
  /** Handlers replacing the defaults, e.g. `call` and `write` once the privileged service exists. */
  handlers?: Partial<HostHandlers>;
};

type Waiter = { resolve(slot: IsolateSlot | null): void; timer: NodeJS.Timeout };

const PARAM_NAME = /^sysparm_[A-Za-z0-9_]{1,64}$/;

/** Only `sysparm_*` names with string values reach the isolate; the processor has bounded them. */
function runtimeParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params))
    if (PARAM_NAME.test(name) && typeof value === 'string') out[name] = value;
  return out;
}

/**
 * How long a run's start waits for its reads made ahead to be handed in (read-ahead.ts): its rule
 * would wait for them at its first select anyway; one still out after this is taken through the host.
 */
const HAND_OUT_WAIT_MS = 50;

/** How long close waits after disposing the isolates, for isolated-vm to finish tearing them down. */
const DISPOSE_GRACE_MS = 100;

const busyError = () => sandboxError('SANDBOX_BUSY', 'every sandbox isolate is busy; try again shortly');

const round = (ms: number) => Math.round(ms * 100) / 100;

export function createSandboxHost(options: CreateSandboxHostOptions): SandboxHost {
  const { limits, logger } = options;
  const runtime: SandboxRuntime = options.runtime ?? {
    prelude: PRELUDE_SOURCE,
    standardParams: STANDARD_PARAMS,
  };
  const handlers: HostHandlers = { ...defaultHandlers, ...options.handlers };
  const deps: HostCallDeps = { limits, reader: options.reader, logger };
  const counters: SlotCounters = {
    runs: 0,
    compiles: 0,
    compileHits: 0,
    contextsCreated: 0,
    dirtyContexts: 0,
    catastrophicErrors: 0,
    recycles: { contexts: 0, heap: 0, memory: 0, cpu: 0, wall: 0, catastrophic: 0 },
  };
  const snapshot = createRuntimeSnapshot(runtime);
  const slots = Array.from(
    { length: Math.max(1, options.isolates ?? Math.max(2, availableParallelism())) },
    () =>
      new IsolateSlot({
        limits,
        snapshot,
        logger,
        counters,
        contexts: options.contextsPerIsolate ?? 1,
        runsPerContext: options.runsPerContext ?? 1000,
        recycleAfterContexts: options.recycleAfterContexts ?? 1000,
        recycleHeapRatio: options.recycleHeapRatio ?? 0.6,
        onHostCall: (op, payload, trace) => handleHostCall(op, payload, trace, deps, handlers),
      }),
  );
  const tableDescriptions = new TableDescriptions();
  const readAhead = new ReadAhead();
  /** Client-callable runs on the host's own reader (a privileged run reads in its transaction). */
  const mayReadAhead = (rule: RuleSource, runOptions: RunOptions) =>
    rule.clientCallable && !runOptions.reader && !runOptions.wantResult;
  const queue: Waiter[] = [];
  const queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
  const checker = new RuleChecker();
  let closed = false;

  /** The best idle slot for this rule, claimed at once so no other run can take it. */
  function claim(key: string): IsolateSlot | null {
    let best: IsolateSlot | null = null;
    let bestScore = -1;
    for (const slot of slots) {
      if (slot.busy) continue;
      const score =
        (slot.readyContexts > 0 ? 4 : 0) + (slot.maintaining ? 0 : 2) + (slot.hasCompiled(key) ? 1 : 0);
      if (score > bestScore) [best, bestScore] = [slot, score];
    }
    if (best) best.busy = true;
    return best;
  }

  function waitForSlot(): Promise<IsolateSlot | null> {
    if (queue.length >= queueLimit) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        // Waiting longer than a rule may run means the pool is saturated: say so rather than pile up.
        timer: setTimeout(() => {
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          resolve(null);
        }, limits.wallMs),
      };
      queue.push(waiter);
    });
  }

  function releaseSlot(slot: IsolateSlot): void {
    const next = queue.shift();
    if (next && !closed) {
      clearTimeout(next.timer);
      next.resolve(slot); // stays busy: handed straight to the next run
      return;
    }
    slot.busy = false;
    // After the caller has its result: maintenance is not its wait.
    setImmediate(() => slot.maintain());
  }

  function result(trace: ReturnType<typeof createRunTrace>, started: number, end: RunEnd): RunResult {
    const base = {
      logs: trace.logs,
      reads: trace.reads,
      writes: trace.writes,
      durationMs: round(performance.now() - started),
    };
    if ('answer' in end) return { answer: end.answer, outcome: 'answer', ...base };
    if ('result' in end) return { answer: null, outcome: 'answer', result: end.result, ...base };
    const outcome = end.error.code === SANDBOX_ERROR.NO_ANSWER ? 'no_answer' : 'error';
    return { answer: null, outcome, error: end.error, ...base };
  }

  return {
    async run(
      rule: RuleSource,
      params: Record<string, string>,
      runOptions: RunOptions = {},
    ): Promise<RunResult> {
      const started = performance.now();
      const trace = createRunTrace(rule.name, runOptions);
      if (closed)
        return result(trace, started, { error: sandboxError('SANDBOX_CLOSED', 'the sandbox is closed') });
      const key = scriptKey(rule);
      const callParams = runtimeParams(params);
      // A full queue refuses at once, before any database work for a call that will not run.
      if (queue.length >= queueLimit && !slots.some((slot) => !slot.busy))
        return result(trace, started, { error: busyError() });
      // Read ahead BEFORE claiming an isolate: an isolate claimed first would sit idle through the
      // database's round trip, and with one isolate per core that idle time, not the CPU, capped a
      // process's pops per second (measured: both isolates busy, main thread at 70 %).
      const readsAhead = mayReadAhead(rule, runOptions)
        ? readAhead.start(key, callParams, options.reader)
        : null;
      if (readsAhead) trace.ahead = readsAhead;
      const given = readsAhead ? await readsAhead.handOut(limits.maxRows, HAND_OUT_WAIT_MS) : [];
      // Closed while reading ahead: no isolate to claim. A run refused here teaches nothing about
      // the rule's reads: it made none.
      const slot = closed ? null : (claim(key) ?? (await waitForSlot()));
      if (!slot) {
        const error = closed ? sandboxError('SANDBOX_CLOSED', 'the sandbox is closed') : busyError();
        return result(trace, started, { error });
      }
      counters.runs += 1;
      // Everything from here on is inside the try: whatever happens, the slot is released.
      try {
        const tables = tableDescriptions.forRun(key, runOptions.reader ?? options.reader);
        const settings = JSON.stringify({
          ruleName: rule.name,
          clientCallable: rule.clientCallable,
          params: callParams,
          now: (runOptions.now ?? new Date()).toISOString(),
          standardParams: runtime.standardParams,
          tablesToken: tables.token,
          ...(runOptions.args ? { args: runOptions.args } : {}),
          ...(runOptions.wantResult ? { wantResult: true } : {}),
          ...(runOptions.functions ? { functions: runOptions.functions } : {}),
        });
        const config = withGivenReads(settings, given, limits.maxRows);
        return result(
          trace,
          started,
          await slot.run(rule, key, config, tables, trace, runOptions.wantResult),
        );
      } finally {
        releaseSlot(slot);
        tableDescriptions.remember(key, trace.described);
        if (readsAhead) readAhead.learn(key, callParams, readsAhead);
      }
    },

    compile: (script, name) => checker.check(script, name),

    stats(): SandboxStats {
      return {
        isolates: slots.length,
        busy: slots.filter((slot) => slot.busy).length,
        queued: queue.length,
        readyContexts: slots.reduce((sum, slot) => sum + slot.readyContexts, 0),
        ...counters,
        recycles: { ...counters.recycles },
      };
    },

    async close(): Promise<void> {
      closed = true;
      for (const waiter of queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.resolve(null);
      }
      await Promise.all([...slots.map((slot) => slot.close()), checker.close()]);
      // isolated-vm tears a disposed isolate down on its own thread afterwards; a process that exits
      // meanwhile crashed with SIGSEGV (probe: 1 exit in 10 right after close, none after 20 ms).
      await new Promise((resolve) => setTimeout(resolve, DISPOSE_GRACE_MS));
    },
  };
}
