/**
 * A dry run (SPEC §10): a rule from the database, or a script not saved yet, run for a set of
 * parameters or a whole pasted `cti.do` URL, exactly as a call would run it, except that every write
 * of the privileged service is rolled back and nothing goes to the call log.
 */
import { AppError } from '../errors.ts';
import type { SandboxError } from '../sandbox/errors.ts';
import { STANDARD_PARAMS } from '../sandbox/runtime/index.ts';
import type { RunLog, RunRead, RunWrite } from '../sandbox/types.ts';
import { readCallParams } from './params.ts';
import { ruleParameters } from './prefill.ts';
import { DEFAULT_RULE, judge, type ProcessorDeps } from './process-call.ts';

export type DryRunInput =
  | { rule?: string; script?: string; params?: Record<string, string>; url?: undefined }
  | { url: string; rule?: string; script?: string; params?: undefined };

export type DryRunResult = {
  answer: string | null;
  outcome: 'answer' | 'no_answer' | 'error';
  error?: SandboxError | { code: string; message: string };
  rule: string;
  logs: RunLog[];
  reads: RunRead[];
  writes: RunWrite[];
  durationMs: number;
};

/** The name an unsaved script runs under: the rule's own when given, so a function of its name is found. */
export const SCRATCH_RULE = 'dryRun';

function paramsOf(input: DryRunInput): { params: Record<string, string>; notes: string[] } {
  if (input.url !== undefined) {
    const query = input.url.includes('?') ? input.url.slice(input.url.indexOf('?') + 1) : '';
    const read = readCallParams(query);
    if ('problem' in read) throw new AppError('VALIDATION_FAILED', `url: ${read.problem}`);
    return read;
  }
  // Given as an object, the names still go through the same forgiving reader as a real call.
  const search = new URLSearchParams(Object.entries(input.params ?? {}));
  const read = readCallParams(search.toString());
  if ('problem' in read) throw new AppError('VALIDATION_FAILED', `params: ${read.problem}`);
  return read;
}

export async function dryRun(deps: ProcessorDeps, input: DryRunInput): Promise<DryRunResult> {
  const started = performance.now();
  const { params, notes } = paramsOf(input);
  const { ruleParams, prefill } = ruleParameters(
    params,
    deps.dictionary.current().get('incident'),
    STANDARD_PARAMS,
  );
  notes.push(...prefill.notes);
  let source: { name: string; version: number | string; script: string };
  if (input.script !== undefined) {
    source = { name: input.rule ?? SCRATCH_RULE, version: `draft:${Date.now()}`, script: input.script };
  } else {
    const name = input.rule ?? params.sysparm_cti_rule ?? DEFAULT_RULE;
    const rule = await deps.rules.find(name);
    if (!rule) throw new AppError('NOT_FOUND', `there is no rule named ${name}`);
    source = { name: rule.name, version: rule.version, script: rule.script };
  }
  const result = await deps.sandbox.run({ ...source, clientCallable: true }, ruleParams, {
    dryRun: true,
    functions: await deps.rules.functionNames(),
  });
  const verdict = judge(result, deps.config.answerOrigins);
  const logs = [
    ...notes.map((message) => ({ level: 'info' as const, message: `processor: ${message}` })),
    ...result.logs,
  ];
  const base = {
    rule: source.name,
    logs,
    reads: result.reads,
    writes: result.writes,
    durationMs: Math.round(performance.now() - started),
  };
  if (verdict.ok) return { answer: verdict.location, outcome: 'answer', ...base };
  return {
    answer: result.answer,
    outcome: result.outcome === 'no_answer' ? 'no_answer' : 'error',
    error: verdict.error,
    ...base,
  };
}
