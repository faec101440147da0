/** The checks of one test case's `expect`, each failure a sentence naming what was expected and what came. */
import { isDeepStrictEqual } from 'node:util';
import type { RunWrite } from '../../sandbox/types.ts';
import type { Services } from '../../services.ts';
import { describeWrite } from '../print-run.ts';
import type { TestCase } from './case-file.ts';
import type { RuleRun } from './run-rule.ts';

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function outcomeOf(run: RuleRun): 'answer' | 'no_answer' | 'error' {
  if (!run.failure) return 'answer';
  return run.failure.code === 'NO_ANSWER' ? 'no_answer' : 'error';
}

function resultOf(run: RuleRun): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: (JSON.parse(run.result.answer ?? '') as { result: unknown }).result };
  } catch {
    return { ok: false };
  }
}

function writeMatches(
  expected: NonNullable<TestCase['expect']['writes']>[number],
  actual: RunWrite,
): boolean {
  if (expected.table !== actual.table) return false;
  if (expected.operation && expected.operation !== actual.operation) return false;
  if (expected.sysId && expected.sysId !== actual.sysId) return false;
  return Object.entries(expected.fields ?? {}).every(([field, value]) => {
    const got = actual.fields[field];
    // Journal writes carry their entry as text; anything else is compared as it is.
    return isDeepStrictEqual(got, value) || (typeof value === 'string' && show(got).includes(value));
  });
}

export async function checkExpectations(
  services: Pick<Services, 'reader'>,
  testCase: TestCase,
  run: RuleRun,
): Promise<{ failures: string[]; details: string[] }> {
  const expect = testCase.expect;
  const failures: string[] = [];
  const outcome = outcomeOf(run);
  const wantsFailure = expect.outcome !== undefined || expect.error !== undefined;
  if (expect.outcome && expect.outcome !== outcome)
    failures.push(`expected outcome ${expect.outcome}, got ${outcome}`);
  if (expect.error && expect.error !== run.failure?.code)
    failures.push(`expected the error ${expect.error}, got ${run.failure ? run.failure.code : 'an answer'}`);
  if (!wantsFailure && run.failure)
    failures.push(`the rule failed: ${run.failure.code}: ${run.failure.message}`);

  const answer = testCase.args ? null : run.location;
  if (expect.answer !== undefined && !testCase.args) {
    const wanted =
      expect.answer.startsWith('/') || /^[a-z]+:/i.test(expect.answer) ? expect.answer : `/${expect.answer}`;
    if (answer !== wanted)
      failures.push(`expected the answer ${wanted}\n     got ${answer ?? run.result.answer ?? '(none)'}`);
  }
  if (
    expect.answerMatches !== undefined &&
    !new RegExp(expect.answerMatches).test(answer ?? run.result.answer ?? '')
  )
    failures.push(
      `expected an answer matching /${expect.answerMatches}/\n     got ${answer ?? run.result.answer ?? '(none)'}`,
    );
  if ('result' in expect && testCase.args) {
    const result = resultOf(run);
    if (!result.ok) failures.push('expected a result, but the function gave none');
    else if (!isDeepStrictEqual(result.value, expect.result))
      failures.push(`expected the result ${show(expect.result)}, got ${show(result.value)}`);
  }
  for (const text of expect.logs ?? []) {
    if (!run.result.logs.some((log) => log.message.includes(text)))
      failures.push(`expected a log line containing "${text}"`);
  }
  if (expect.writes) {
    const writes = run.result.writes;
    if (writes.length !== expect.writes.length)
      failures.push(`expected ${expect.writes.length} write(s), got ${writes.length}`);
    else
      expect.writes.forEach((wanted, i) => {
        if (!writeMatches(wanted, writes[i]!))
          failures.push(`write ${i + 1}: expected ${show(wanted)}, got ${describeWrite(writes[i]!)}`);
      });
  }
  for (const check of expect.records ?? []) {
    try {
      const rows = await services.reader.select({ table: check.table, query: check.query, limit: 1000 });
      const where = `${check.table}${check.query ? ` where ${check.query}` : ''}`;
      if (check.count !== undefined && rows.length !== check.count)
        failures.push(`expected ${check.count} record(s) of ${where}, found ${rows.length}`);
      for (const [field, wanted] of Object.entries(check.fields ?? {})) {
        for (const row of rows) {
          const got = row[field];
          const ok =
            wanted !== null && typeof wanted === 'object'
              ? show(got ?? '').includes(wanted.contains)
              : isDeepStrictEqual(got, wanted);
          if (!ok) failures.push(`${where}: expected ${field} ${show(wanted)}, found ${show(got)}`);
        }
      }
    } catch (error) {
      failures.push(`records of ${check.table}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const details = [
    `answer: ${run.result.answer ?? '(none)'}`,
    ...(run.failure ? [`failure: ${run.failure.code}: ${run.failure.message}`] : []),
    ...run.result.logs.map((log) => `log ${log.level}: ${log.message}`),
    ...run.result.writes.map((write) => `write: ${describeWrite(write)}`),
  ];
  return { failures, details };
}
