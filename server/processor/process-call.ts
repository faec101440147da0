/**
 * One call to /cti.do, from its raw query string to what the telephony client gets: which rule,
 * its parameters and pre-fill, a repeat of the same call, the run, the answer's check, the call log.
 * HTTP lives in routes.ts; this file decides.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../accounts/accounts.ts';
import type { Database } from '../db/database.ts';
import { preparedRows } from '../db/prepared-rows.ts';
import type { DictionaryStore } from '../dictionary/store.ts';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../ops/database-errors.ts';
import type { RuleService } from '../rules/service.ts';
import type { SandboxError } from '../sandbox/errors.ts';
import { STANDARD_PARAMS } from '../sandbox/runtime/index.ts';
import type { RunResult, SandboxHost } from '../sandbox/types.ts';
import { checkAnswer } from './answer-check.ts';
import { maskedRecord, type RecordMasking, recentAnswer } from './call-log.ts';
import { createCallLogWriter } from './call-log-writer.ts';
import { readCallParams } from './params.ts';
import { ruleParameters } from './prefill.ts';

export const DEFAULT_RULE = 'CTIProcessing';
export { STANDARD_PARAMS } from '../sandbox/runtime/index.ts';

export type CallOutcome =
  | {
      kind: 'answer';
      location: string;
      rule: string;
      outcome: 'answer' | 'repeat';
      durationMs: number;
      callId: string;
    }
  | {
      kind: 'refused';
      status: 400 | 403 | 404;
      code: string;
      message: string;
      prefillQuery: string | null;
      view: string | null;
    }
  | {
      kind: 'failed';
      status: 502 | 503;
      rule: string;
      error: { code: string; message: string };
      durationMs: number;
      /** null when the call could not be logged (the database is unreachable). */
      callId: string | null;
      prefillQuery: string | null;
      view: string | null;
    };

export type FailedCall = Extract<CallOutcome, { kind: 'failed' }>;

export type ProcessorDeps = {
  database: Database;
  dictionary: DictionaryStore;
  rules: Pick<RuleService, 'find' | 'functionNames'>;
  sandbox: Pick<SandboxHost, 'run'>;
  config: { defaultRegion: string; answerOrigins: readonly string[] };
  logger?: Pick<FastifyBaseLogger, 'error'> | undefined;
};

export function createProcessor(deps: ProcessorDeps) {
  // The call log's insert is the same statement every call: prepared once per connection. Written
  // after the answer (call-log-writer.ts).
  const callLog = createCallLogWriter(preparedRows(deps.database), deps.logger);
  /** Softphones fire twice at once: a call id being answered right now is awaited, not run again. */
  const inFlight = new Map<string, Promise<CallOutcome>>();

  /** What the call asks for, read from its query string alone (no database). */
  function readCall(rawQuery: string) {
    const read = readCallParams(rawQuery);
    if ('problem' in read) return read;
    const { params, notes } = read;
    const { ruleParams, prefill } = ruleParameters(
      params,
      deps.dictionary.current().get('incident'),
      STANDARD_PARAMS,
    );
    notes.push(...prefill.notes);
    const view = params.sysparm_view ?? null;
    const ruleName = params.sysparm_cti_rule?.trim() || DEFAULT_RULE;
    return { params, notes, ruleParams, prefill, view, ruleName };
  }

  /**
   * The answer to a call while the database cannot be reached: 503, nothing run or logged, and for
   * a browser the fallback form pre-filled from the call. Also used before the call is even
   * authenticated, when the database is already known to be down (server/ops/database-faults.ts).
   */
  function unavailable(rawQuery: string, started = performance.now()): FailedCall {
    const call = readCall(rawQuery);
    const known = 'problem' in call ? null : call;
    return {
      kind: 'failed',
      status: 503,
      rule: known?.ruleName ?? DEFAULT_RULE,
      error: { code: 'UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE },
      durationMs: Math.round(performance.now() - started),
      callId: null,
      prefillQuery: known?.prefill.query ?? null,
      view: known?.view ?? null,
    };
  }

  /**
   * Calls being decided. A call whose client hung up is still answered and logged, but the HTTP
   * server no longer waits for it when it closes: shutdown waits here (`drained`).
   */
  const deciding = new Set<Promise<unknown>>();

  /** A lost database connection anywhere in a call is a 503; any other failure stays a failure. */
  async function processCall(rawQuery: string, actor: Actor): Promise<CallOutcome> {
    const started = performance.now();
    const call = decide(rawQuery, actor, started);
    deciding.add(call);
    try {
      return await call;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return unavailable(rawQuery, started);
    } finally {
      deciding.delete(call);
    }
  }

  async function decide(rawQuery: string, actor: Actor, started: number): Promise<CallOutcome> {
    const call = readCall(rawQuery);
    if ('problem' in call) {
      return {
        kind: 'refused',
        status: 400,
        code: 'BAD_REQUEST',
        message: call.problem,
        prefillQuery: null,
        view: null,
      };
    }
    const { params, notes, ruleParams, prefill, view, ruleName } = call;

    const rule = await deps.rules.find(ruleName);
    if (!rule?.active) {
      const message = rule
        ? `the CTI rule ${ruleName} is inactive`
        : `there is no CTI rule named ${ruleName}`;
      return { kind: 'refused', status: 404, code: 'NOT_FOUND', message, prefillQuery: prefill.query, view };
    }
    if (!rule.clientCallable) {
      return {
        kind: 'refused',
        status: 403,
        code: 'FORBIDDEN',
        message: `the CTI rule ${ruleName} is not client-callable: it can only be called from another rule`,
        prefillQuery: prefill.query,
        view,
      };
    }

    // The call-log row is masked when it is written, after the reply (call-log-writer.ts).
    const masked = maskedRecord(params, deps.config.defaultRegion);
    const callKey = params.sysparm_call_id ? `${actor.username}\u0000${params.sysparm_call_id}` : null;
    if (callKey) {
      const pending = inFlight.get(callKey);
      if (pending) {
        const first = await pending;
        if (first.kind !== 'answer') return first;
        return logRepeat(first.location, first.rule, 'being answered', { started, masked, params, actor });
      }
      // An answer of this process to the same call id, still being logged, is found too.
      await callLog.settledFor(params.sysparm_call_id!);
      const earlier = await recentAnswer(deps.database.db, params.sysparm_call_id!);
      // A logged answer that held the caller's phone was masked: that one cannot be replayed, so run again.
      if (earlier && !earlier.answer.includes('*')) {
        return logRepeat(earlier.answer, earlier.rule, 'answered within the last minute', {
          started,
          masked,
          params,
          actor,
        });
      }
    }

    const run = (async (): Promise<CallOutcome> => {
      const closedBefore = deps.database.stats().connectionsClosed;
      const result = await deps.sandbox.run(
        { name: rule.name, version: rule.version, script: rule.script, clientCallable: true },
        ruleParams,
        {
          functions: await deps.rules.functionNames(),
          ...(params.sysparm_call_id ? { callId: params.sysparm_call_id } : {}),
        },
      );
      const verdict = judge(result, deps.config.answerOrigins);
      // A rule's query that met a lost database fails the rule like any error (the sandbox keeps the
      // cause in the server log). If the pool lost connections during the run, the database is to
      // blame, even when it is back by now: 503, not the rule's 502.
      if (!verdict.ok && deps.database.stats().connectionsClosed !== closedBefore)
        return unavailable(rawQuery, started);
      const durationMs = Math.round(performance.now() - started);
      const { id: callId, written } = callLog.write(
        {
          callId: params.sysparm_call_id ?? null,
          rule: rule.name,
          ruleVersion: rule.version,
          params,
          outcome: verdict.ok ? 'answer' : result.outcome === 'answer' ? 'error' : result.outcome,
          answer: verdict.ok ? verdict.location : result.answer,
          error: verdict.ok ? null : verdict.error,
          durationMs,
          logs: [
            ...notes.map((message) => ({ level: 'info', message: `processor: ${message}` })),
            ...result.logs,
          ],
          reads: result.reads,
          writes: result.writes,
          actor: actor.username,
        },
        masked,
      );
      if (callLog.backlogged()) await written; // the log has fallen behind: keep pace with it
      if (verdict.ok)
        return {
          kind: 'answer',
          location: verdict.location,
          rule: rule.name,
          outcome: 'answer',
          durationMs,
          callId,
        };
      const busy = verdict.error.code === 'SANDBOX_BUSY' || verdict.error.code === 'SANDBOX_CLOSED';
      return {
        kind: 'failed',
        status: busy ? 503 : 502,
        rule: rule.name,
        error: verdict.error,
        durationMs,
        callId,
        prefillQuery: prefill.query,
        view,
      };
    })();
    if (!callKey) return run;
    inFlight.set(callKey, run);
    try {
      return await run;
    } finally {
      inFlight.delete(callKey);
    }
  }

  /** A repeat of a call answered (or being answered) already: logged as such, the rule not run again. */
  async function logRepeat(
    location: string,
    rule: string,
    when: string,
    call: { started: number; masked: RecordMasking; params: Record<string, string>; actor: Actor },
  ): Promise<CallOutcome> {
    const durationMs = Math.round(performance.now() - call.started);
    const { id: callId, written } = callLog.write(
      {
        callId: call.params.sysparm_call_id ?? null,
        rule,
        ruleVersion: null,
        params: call.params,
        outcome: 'repeat',
        answer: location,
        durationMs,
        actor: call.actor.username,
        logs: [{ level: 'info', message: `processor: a repeat of a call ${when}; the rule did not run` }],
      },
      call.masked,
    );
    if (callLog.backlogged()) await written;
    return { kind: 'answer', location, rule, outcome: 'repeat', durationMs, callId };
  }

  return {
    processCall,
    unavailable,
    /** Rows of calls answered and not yet in the call log: readers of the log wait for them. */
    callLog: { settled: () => callLog.settled(), stats: () => callLog.stats() },
    /** Resolves once no call is being decided and every row of those decided is in the call log. */
    async drained(): Promise<void> {
      while (deciding.size > 0) await Promise.allSettled(deciding);
      await callLog.settled();
    },
  };
}

type Verdict =
  | { ok: true; location: string }
  | { ok: false; error: SandboxError | { code: string; message: string } };

export function judge(result: RunResult, origins: readonly string[]): Verdict {
  if (result.outcome === 'error')
    return { ok: false, error: result.error ?? { code: 'RULE_ERROR', message: 'the rule failed' } };
  if (result.outcome === 'no_answer' || result.answer === null) {
    return { ok: false, error: result.error ?? { code: 'NO_ANSWER', message: 'the rule set no answer' } };
  }
  const checked = checkAnswer(result.answer, origins);
  if (!checked.ok) return { ok: false, error: { code: 'BAD_ANSWER', message: checked.message } };
  return { ok: true, location: checked.location };
}

export type Processor = ReturnType<typeof createProcessor>;
