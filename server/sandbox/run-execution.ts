/**
 * One run in a prepared context: `control(BEGIN)` and the rule's script issued together, then
 * `control(FINISH)`, under the CPU watch. A script stuck in a builtin that never checks for
 * termination (`a.length = 1e8; a.fill(0)`) can leave isolated-vm's promise unsettled after its
 * isolate is disposed; the run is abandoned shortly after the disposal, so the host never hangs.
 */
import type ivm from 'isolated-vm';
import type { SandboxLimits } from '../config/env.ts';
import { maxFinishLength, readAnswer } from './answer.ts';
import { CONTROL_BEGIN, CONTROL_FINISH } from './bootstrap.ts';
import { watchLimits } from './limit-watch.ts';
import type { PreparedContext } from './prepared-context.ts';
import { type RunEnd, timeoutError } from './run-failure.ts';
import { type RunTrace, recordBreach } from './run-trace.ts';
import type { RuleSource } from './types.ts';

export type Execution = {
  isolate: ivm.Isolate;
  prepared: PreparedContext;
  script: ivm.Script;
  rule: RuleSource;
  config: string;
  trace: RunTrace;
  limits: SandboxLimits;
  started: number;
  /** Dispose the isolate for a broken limit. */
  kill(limit: 'cpu' | 'wall'): void;
};

/** What the run threw, and where: 'begin' runs only the runtime, so a failure there is the sandbox's. */
export type Thrown = { thrown: unknown; phase: 'begin' | 'rule' };

/** isolated-vm can end very short timeouts in a catastrophic error (#301): never ask for less. */
const MIN_TIMEOUT_MS = 20;
/** How long a disposed isolate's promises get to settle before the run is given up on. */
const ABANDON_AFTER_MS = 100;

export const GONE_MESSAGE = 'the isolate was disposed under the run (memory limit)';

export async function executeRun(x: Execution): Promise<RunEnd | Thrown> {
  const { isolate, prepared, limits, trace } = x;
  let abandon: (error: Error) => void = () => {};
  const abandoned = new Promise<never>((_, reject) => {
    abandon = (error) => setTimeout(() => reject(error), ABANDON_AFTER_MS).unref();
  });
  abandoned.catch(() => {});
  const settle = <T>(promise: Promise<T>) => Promise.race([promise, abandoned]);

  const cpuStart = isolate.cpuTime;
  const watch = watchLimits({
    cpuMs: limits.cpuMs,
    wallMs: limits.wallMs,
    cpuUsed: () => (isolate.isDisposed ? null : Number(isolate.cpuTime - cpuStart) / 1e6),
    onBreach: (limit) => {
      recordBreach(trace, timeoutError(x.rule.name, limit, limits));
      x.kill(limit);
      abandon(new Error('Isolate was disposed during execution'));
    },
    onGone: () => abandon(new Error(GONE_MESSAGE)),
  });
  prepared.binding.trace = trace;
  try {
    // Issued together: the isolate runs them in order while the host waits for one hop.
    const begin = prepared.control.apply(
      undefined,
      [CONTROL_BEGIN, x.config, maxFinishLength(limits.maxAnswer)],
      {
        timeout: limits.wallMs,
      },
    );
    const body = x.script.run(prepared.context, { timeout: limits.wallMs });
    const [began, ran] = await Promise.allSettled([settle(begin), settle(body)]);
    if (began.status === 'rejected') return { thrown: began.reason, phase: 'begin' };
    if (ran.status === 'rejected') return { thrown: ran.reason, phase: 'rule' };
    if (trace.breach) return { error: trace.breach };
    const left = limits.wallMs - (performance.now() - x.started);
    let finished: unknown;
    try {
      finished = await settle(
        prepared.control.apply(undefined, [CONTROL_FINISH], {
          timeout: Math.max(MIN_TIMEOUT_MS, Math.ceil(left)),
        }),
      );
    } catch (thrown) {
      return { thrown, phase: 'rule' };
    }
    if (trace.breach) return { error: trace.breach };
    return readAnswer(x.rule.name, finished, limits.maxAnswer);
  } finally {
    watch.stop();
    prepared.binding.trace = null;
  }
}
