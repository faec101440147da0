/**
 * Why a run failed, decided on the host side from facts the rule cannot forge: a breach the host
 * recorded, the isolate disposed under it (isolated-vm does that at the memory limit), or a timeout
 * message together with the wall time actually spent. Anything else is the rule's own error.
 */
import type { SandboxLimits } from '../config/env.ts';
import { type SandboxError, sandboxError } from './errors.ts';
import { ruleError } from './rule-errors.ts';
import type { RunTrace } from './run-trace.ts';

export type RunEnd = { answer: string } | { result: unknown } | { error: SandboxError };

export type FailureFacts = {
  rule: string;
  trace: RunTrace;
  limits: SandboxLimits;
  elapsedMs: number;
  disposed: boolean;
  closed: boolean;
  catastrophic: boolean;
  /** 'setup' and 'begin' run no rule code: a failure there is the sandbox's. */
  phase: 'setup' | 'begin' | 'rule';
};

export function timeoutError(rule: string, limit: 'cpu' | 'wall', limits: SandboxLimits): SandboxError {
  const ms = limit === 'cpu' ? limits.cpuMs : limits.wallMs;
  return sandboxError(
    'RULE_TIMEOUT',
    `rule ${rule} ran past its ${limit === 'cpu' ? 'CPU' : 'wall'} time limit of ${ms} ms`,
    { limit, limitMs: ms },
  );
}

const memoryError = (rule: string, limits: SandboxLimits) =>
  sandboxError('RULE_MEMORY', `rule ${rule} ran out of memory (limit ${limits.memoryMb} MB)`, {
    limitMb: limits.memoryMb,
  });

const messageOf = (error: unknown) => (error instanceof Error ? String(error.message) : '');

export function runFailure(error: unknown, facts: FailureFacts): { error: SandboxError } {
  const { rule, trace, limits } = facts;
  if (trace.breach) return { error: trace.breach };
  if (facts.closed) return { error: sandboxError('SANDBOX_CLOSED', 'the sandbox was closed during the run') };
  if (facts.disposed) {
    if (!facts.catastrophic && messageOf(error).includes('memory limit'))
      return { error: memoryError(rule, limits) };
    return { error: sandboxError('RULE_ERROR', `the sandbox failed while running rule ${rule}`) };
  }
  // V8 refuses an ArrayBuffer past the isolate's limit without disposing it: still the memory limit.
  if (
    error instanceof Error &&
    error.name === 'RangeError' &&
    messageOf(error) === 'Array buffer allocation failed'
  )
    return { error: memoryError(rule, limits) };
  // A rule can throw an error with this message, but not while spending less than the wall time.
  if (messageOf(error) === 'Script execution timed out.' && facts.elapsedMs >= limits.wallMs * 0.9)
    return { error: timeoutError(rule, 'wall', limits) };
  if (facts.phase !== 'rule')
    return { error: sandboxError('RULE_ERROR', `the sandbox could not start rule ${rule}`) };
  return { error: ruleError(rule, error) };
}
