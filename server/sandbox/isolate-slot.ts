/**
 * One isolate of the pool and everything that lives in it: the compiled runtime, the compiled rule
 * scripts, a few contexts prepared ahead. It runs one rule at a time. Between runs it maintains
 * itself one short step at a time (check the heap, prepare a context, or replace the isolate), so a
 * run that arrives waits for at most one step. An isolate that hit a limit it cannot recover from
 * (memory, CPU, a catastrophic error) is disposed and never used again: the slot starts a new one.
 */
import ivm from 'isolated-vm';
import type { SandboxLimits } from '../config/env.ts';
import { settledWithin } from '../settled-within.ts';
import { sandboxError } from './errors.ts';
import {
  type BaseScripts,
  compileBase,
  type HostCallHandler,
  type PreparedContext,
  prepareContext,
} from './prepared-context.ts';
import { needsOpenContextFor } from './rule-kind.ts';
import { executeRun } from './run-execution.ts';
import { type RunEnd, runFailure } from './run-failure.ts';
import type { RunTrace } from './run-trace.ts';
import type { RuntimeSnapshot } from './runtime-snapshot.ts';
import { ScriptCache } from './script-cache.ts';
import type { RunTables } from './table-descriptions.ts';
import type { RecycleReason, RuleSource, SandboxLogger, SandboxStats } from './types.ts';

export type SlotCounters = Omit<SandboxStats, 'isolates' | 'busy' | 'queued' | 'readyContexts'>;

export type SlotOptions = {
  limits: SandboxLimits;
  /** Every isolate of the host starts from it (runtime-snapshot.ts). */
  snapshot: RuntimeSnapshot;
  onHostCall: HostCallHandler;
  logger?: SandboxLogger | undefined;
  contexts: number;
  /** A context is dropped after this many runs. */
  runsPerContext: number;
  recycleAfterContexts: number;
  recycleHeapRatio: number;
  counters: SlotCounters;
};

const MAX_BACKOFF_MS = 30_000;
/** How long closing waits for an isolate's work in flight: a context takes about 12–25 ms to prepare. */
export const CLOSE_WAIT_MS = 2000;
/** A context compiles each rule version it runs once; past this many it is dropped for a fresh one. */
const MAX_RULES_PER_CONTEXT = 64;

export class IsolateSlot {
  /** Claimed by the host for a run; set and cleared by the host only. */
  busy = false;
  readonly #options: SlotOptions;
  #isolate!: ivm.Isolate;
  #base!: Promise<BaseScripts>;
  #cache!: ScriptCache;
  #ready: PreparedContext[] = [];
  /** The context the last run left fit for the next one (driver.ts). */
  #current: PreparedContext | null = null;
  /** An open context prepared ahead, once a rule has needed one. */
  #open: PreparedContext | null = null;
  #wantsOpen = false;
  #contexts = 0;
  #retire: RecycleReason | null = null;
  #step: Promise<void> | null = null;
  #failures = 0;
  #retryAt = 0;
  #closed = false;

  constructor(options: SlotOptions) {
    this.#options = options;
    this.#start();
    this.maintain();
  }

  get readyContexts(): number {
    return this.#ready.length + (this.#current ? 1 : 0);
  }

  /** A maintenance step is in flight: a run given this slot now would wait for it. */
  get maintaining(): boolean {
    return this.#step !== null;
  }

  hasCompiled(key: string): boolean {
    return this.#cache.has(key);
  }

  async run(
    rule: RuleSource,
    key: string,
    config: string,
    tables: RunTables,
    trace: RunTrace,
    wantResult = false,
  ): Promise<RunEnd> {
    const started = performance.now();
    try {
      await this.#catchUp();
      if (this.#closed) return { error: sandboxError('SANDBOX_CLOSED', 'the sandbox is closed') };
      const compiled = await this.#cache.get(rule, key);
      if ('error' in compiled) return compiled;
      const execute = async (prepared: PreparedContext) => {
        const isolate = this.#isolate;
        try {
          return await executeRun({
            isolate,
            prepared,
            script: compiled.script,
            key,
            rule,
            config,
            tables,
            trace,
            limits: this.#options.limits,
            started,
            wantResult,
            kill: (limit) => {
              if (isolate === this.#isolate) this.#kill(limit);
            },
          });
        } finally {
          this.#keepOrRelease(prepared, isolate);
        }
      };
      const open = needsOpenContextFor(key, rule.script);
      let done = await execute(open ? await this.#takeOpen() : await this.#takeContext());
      // An earlier run left the global object in a state that cannot be put back: a fresh context.
      if ('dirty' in done) {
        this.#options.counters.dirtyContexts += 1;
        done = await execute(this.#ready.shift() ?? (await this.#prepare()));
      }
      if ('dirty' in done) throw new Error('a fresh context could not be put back to its sealed state');
      return 'thrown' in done ? this.#end(done.thrown, rule, trace, started, done.phase) : done;
    } catch (error) {
      return this.#end(error, rule, trace, started, 'setup');
    } finally {
      trace.ended = true;
      this.#checkHeap();
    }
  }

  /** The context of the last run, else one prepared ahead, else one prepared now. */
  async #takeContext(): Promise<PreparedContext> {
    const current = this.#current;
    this.#current = null;
    return current ?? this.#ready.shift() ?? (await this.#prepare());
  }

  /** An open context (rule-kind.ts): the one prepared ahead, else one prepared now; the slot keeps one ahead from now on. */
  async #takeOpen(): Promise<PreparedContext> {
    this.#wantsOpen = true;
    const open = this.#open;
    this.#open = null;
    return open ?? (await this.#prepare(false));
  }

  /** Kept for the next run when the run left it fit for one, else released once the caller has its result. */
  #keepOrRelease(prepared: PreparedContext, isolate: ivm.Isolate): void {
    const keep =
      prepared.locked &&
      prepared.reusable &&
      prepared.runs < this.#options.runsPerContext &&
      prepared.compiled.size <= MAX_RULES_PER_CONTEXT &&
      isolate === this.#isolate &&
      !isolate.isDisposed &&
      !this.#closed &&
      this.#current === null;
    if (keep) this.#current = prepared;
    else setImmediate(() => prepared.release());
  }

  #end(
    error: unknown,
    rule: RuleSource,
    trace: RunTrace,
    started: number,
    phase: 'setup' | 'begin' | 'rule',
  ): RunEnd {
    const end = runFailure(error, {
      rule: rule.name,
      trace,
      limits: this.#options.limits,
      elapsedMs: performance.now() - started,
      disposed: this.#isolate.isDisposed,
      closed: this.#closed,
      catastrophic: this.#retire === 'catastrophic',
      phase,
    });
    if (this.#isolate.isDisposed)
      this.#retire ??= end.error.code === 'RULE_MEMORY' ? 'memory' : 'catastrophic';
    if (end.error.code === 'RULE_ERROR' && phase !== 'rule')
      this.#options.logger?.error({ err: error, rule: rule.name, phase }, 'sandbox failed to run a rule');
    return end;
  }

  /**
   * Under steady load runs follow each other with no idle moment for maintenance: what must not
   * wait (replacing a dead or worn isolate, a periodic heap check) is done before the run instead.
   */
  async #catchUp(): Promise<void> {
    if (this.#step) await this.#step;
    if (this.#closed) return;
    if (this.#isolate.isDisposed) this.#retire ??= 'catastrophic';
    if (!this.#retire && this.#contexts >= this.#options.recycleAfterContexts) this.#retire = 'contexts';
    if (this.#retire) await this.#renew(this.#retire);
  }

  /** Runs the next maintenance step unless a run holds the slot; one step at a time. */
  maintain(): void {
    if (this.#step || this.busy || this.#closed) return;
    const step = this.#nextStep();
    if (!step) return;
    this.#step = step
      .catch((error: unknown) => this.#stepFailed(error))
      .finally(() => {
        this.#step = null;
        this.maintain();
      });
  }

  #nextStep(): Promise<void> | null {
    if (this.#isolate.isDisposed) this.#retire ??= 'catastrophic';
    if (!this.#retire && this.#contexts >= this.#options.recycleAfterContexts) this.#retire = 'contexts';
    if (this.#retire) return this.#renew(this.#retire);
    if (performance.now() < this.#retryAt) return null;
    if (this.#ready.length < this.#options.contexts)
      return this.#prepare(true).then((prepared) => {
        this.#ready.push(prepared);
        this.#failures = 0;
      });
    if (this.#wantsOpen && !this.#open)
      return this.#prepare(false).then((prepared) => {
        this.#open = prepared;
        this.#failures = 0;
      });
    return null;
  }

  /**
   * After every run: the synchronous reading costs about 2 µs with the isolate idle, as it is once a
   * run is over (the asynchronous one, a thread hop, 60 µs, was made every 32 runs). Checked only now
   * and then, the garbage a heavy run left (26 MB of a 32 MB isolate) was collected during a later
   * run, whose CPU time it was counted in: 37 ms, and a trivial rule broke its CPU limit
   * (test/sandbox/property-programs.test.ts). A fresh isolate takes over before the next run instead.
   */
  #checkHeap(): void {
    const isolate = this.#isolate;
    if (this.#retire || isolate.isDisposed) return;
    const heap = isolate.getHeapStatisticsSync();
    const used = heap.used_heap_size + heap.externally_allocated_size;
    if (used > this.#options.recycleHeapRatio * this.#options.limits.memoryMb * 1024 * 1024)
      this.#retire ??= 'heap';
  }

  async #renew(reason: RecycleReason): Promise<void> {
    this.#options.counters.recycles[reason] += 1;
    this.#dispose();
    this.#start();
    await this.#base;
  }

  /**
   * A prelude that does not start would fail every run: log it and prepare again later, less and
   * less often. The wait is no step, so a run given this slot meanwhile is not held up by it.
   */
  #stepFailed(error: unknown): void {
    if (this.#closed) return;
    this.#failures += 1;
    this.#options.logger?.error(
      { err: error, failures: this.#failures },
      'sandbox could not prepare a context',
    );
    const wait = Math.min(MAX_BACKOFF_MS, 50 * 2 ** this.#failures);
    this.#retryAt = performance.now() + wait;
    setTimeout(() => this.maintain(), wait).unref();
  }

  async #prepare(locked = true): Promise<PreparedContext> {
    const isolate = this.#isolate;
    const prepared = await prepareContext(isolate, await this.#base, this.#options.onHostCall, locked);
    this.#contexts += 1;
    this.#options.counters.contextsCreated += 1;
    if (isolate !== this.#isolate || this.#closed) {
      prepared.release();
      throw new Error('the isolate was replaced while a context was being prepared');
    }
    return prepared;
  }

  #start(): void {
    const { snapshot } = this.#options;
    const isolate = new ivm.Isolate({
      memoryLimit: this.#options.limits.memoryMb,
      ...('snapshot' in snapshot ? { snapshot: snapshot.snapshot } : {}),
      onCatastrophicError: (message) => {
        this.#options.counters.catastrophicErrors += 1;
        this.#options.logger?.error({ message }, 'sandbox isolate hit a catastrophic error; it is disposed');
        if (isolate !== this.#isolate) return;
        this.#retire = 'catastrophic';
        setImmediate(() => this.#kill('catastrophic'));
      },
    });
    this.#isolate = isolate;
    this.#cache = new ScriptCache(isolate, (hit) => {
      if (hit) this.#options.counters.compileHits += 1;
      else this.#options.counters.compiles += 1;
    });
    this.#base = compileBase(isolate, snapshot);
    this.#base.catch(() => {}); // surfaced by the step or run that awaits it
    this.#ready = [];
    this.#contexts = 0;
    this.#retire = null;
  }

  #kill(reason: RecycleReason): void {
    this.#retire ??= reason;
    this.#dispose();
  }

  #dispose(): void {
    for (const prepared of this.#ready.splice(0)) prepared.release();
    for (const prepared of [this.#current, this.#open]) prepared?.release();
    this.#current = null;
    this.#open = null;
    try {
      if (!this.#isolate.isDisposed) this.#isolate.dispose();
    } catch {
      // Already disposed by isolated-vm (memory limit).
    }
  }

  /**
   * Disposes the isolate once its maintenance step in flight (preparing a context, checking the heap)
   * is done, waiting at most CLOSE_WAIT_MS: an isolate disposed while its thread works, followed by
   * the process exiting, crashed isolated-vm with SIGSEGV (25 exits in 30 right after a few runs; a
   * worker's shutdown once in CI). No new step starts once closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#step) await settledWithin(this.#step, CLOSE_WAIT_MS);
    this.#dispose();
  }
}
