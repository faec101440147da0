/**
 * A test case's run, made as /cti.do makes it (the call's parameters read the forgiving way, the
 * pre-fill merged into `sysparm_query`, the non-client-callable functions defined, the answer
 * checked) but with its writes kept, so the records after the run can be checked.
 */
import { readCallParams } from '../../processor/params.ts';
import { ruleParameters } from '../../processor/prefill.ts';
import { judge } from '../../processor/process-call.ts';
import { STANDARD_PARAMS } from '../../sandbox/runtime/index.ts';
import type { RuleSource, RunResult } from '../../sandbox/types.ts';
import type { Services } from '../../services.ts';

export type RuleRun = {
  result: RunResult;
  /** Where the agent's browser would go; null when the run failed or its answer was refused. */
  location: string | null;
  /** The failure as /cti.do reports it: a sandbox error, NO_ANSWER or BAD_ANSWER. */
  failure: { code: string; message: string } | null;
};

export async function runRule(
  services: Pick<Services, 'sandbox' | 'dictionary' | 'config' | 'rules'>,
  rule: RuleSource,
  rawQuery: string,
  options: { now?: Date; checkAnswer: boolean },
): Promise<RuleRun | { problem: string }> {
  const read = readCallParams(rawQuery);
  if ('problem' in read) return read;
  const { ruleParams } = ruleParameters(
    read.params,
    services.dictionary.current().get('incident'),
    STANDARD_PARAMS,
  );
  const result = await services.sandbox.run(rule, ruleParams, {
    functions: await services.rules.functionNames(),
    ...(options.now ? { now: options.now } : {}),
  });
  if (!options.checkAnswer && result.outcome === 'answer')
    return { result, location: result.answer, failure: null };
  const verdict = judge(result, services.config.answerOrigins);
  return verdict.ok
    ? { result, location: verdict.location, failure: null }
    : { result, location: null, failure: verdict.error };
}
