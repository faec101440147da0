/**
 * One rule test case on its own fresh database: the dictionary additions and fixtures of its file,
 * its own fixtures, then the rule run as /cti.do would run it (writes kept, so the records after
 * the run can be checked), and every expectation checked. Failures are sentences, not stack traces.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../config/env.ts';
import { closeServices, createServices } from '../../create-services.ts';
import { applyDefinitions } from '../../dictionary/apply.ts';
import type { Dictionary } from '../../dictionary/model.ts';
import { loadDictionary } from '../../dictionary/repository.ts';
import { AppError } from '../../errors.ts';
import { type RowProblem, upsertRecords } from '../../records/upsert.ts';
import type { RuleSource } from '../../sandbox/types.ts';
import type { Services } from '../../services.ts';
import type { TestBench } from './bench.ts';
import type { CaseFile, TestCase } from './case-file.ts';
import { checkExpectations } from './expectations.ts';
import { runRule } from './run-rule.ts';

export type CaseResult = {
  file: string;
  rule: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: string[];
  /** What the run gave, to read beside a failure. */
  details: string[];
  durationMs: number;
  skip?: string;
};

class FixtureError extends Error {}

async function loadFixtures(
  services: Pick<Services, 'database' | 'config'>,
  dictionary: Dictionary,
  fixtures: Record<string, Record<string, unknown>[]>,
  where: string,
): Promise<void> {
  const ctx = {
    database: services.database,
    dictionary,
    defaultRegion: services.config.defaultRegion,
    actor: 'test',
  };
  for (const [table, rows] of Object.entries(fixtures)) {
    try {
      await upsertRecords(ctx, table, rows);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const rejected = (error.details as { rejected?: RowProblem[] } | undefined)?.rejected;
      const detail = rejected?.map((p) => `${table}[${p.index}] ${p.message}`).join('; ') ?? error.message;
      throw new FixtureError(`the ${where} fixtures are refused: ${detail}`);
    }
  }
}

/** A client-callable wrapper that calls a non-client-callable function as a rule would, and answers its result. */
function callerOf(name: string, args: unknown[]): RuleSource {
  const script = `var $result = ${name}.apply(null, ${JSON.stringify(args)});\nanswer = JSON.stringify({ result: $result === undefined ? null : $result });\n`;
  return {
    name: 'ctihostTestCall',
    version: createHash('sha256').update(script).digest('hex').slice(0, 16),
    script,
    clientCallable: true,
  };
}

export async function runCase(
  bench: TestBench,
  file: CaseFile,
  testCase: TestCase,
  config: Config,
): Promise<CaseResult> {
  const base = { file: file.file, rule: file.rule, name: testCase.name };
  if (testCase.skip)
    return { ...base, status: 'skipped', failures: [], details: [], durationMs: 0, skip: testCase.skip };
  const started = performance.now();
  const { database, close } = await bench.fresh();
  const done = (failures: string[], details: string[] = []): CaseResult => ({
    ...base,
    status: failures.length === 0 ? 'passed' : 'failed',
    failures,
    details,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    let dictionary = await loadDictionary(database.db);
    if (file.tables?.length) dictionary = (await applyDefinitions(database, file.tables)).dictionary;
    try {
      await loadFixtures({ database, config }, dictionary, file.fixtures, 'file');
      if (testCase.fixtures)
        await loadFixtures({ database, config }, dictionary, testCase.fixtures, "case's");
    } catch (error) {
      if (error instanceof FixtureError) return done([error.message]);
      throw error;
    }
    const services = createServices(config, database, dictionary);
    try {
      const rule = await services.rules.find(file.rule);
      if (!rule) return done([`there is no rule file ${file.rule}.js beside ${file.file}`]);
      if (!testCase.args && !rule.clientCallable)
        return done([`${file.rule} is not client-callable: give the case "args" to call it as a function`]);
      const source: RuleSource = testCase.args
        ? callerOf(rule.name, testCase.args)
        : { name: rule.name, version: rule.version, script: rule.script, clientCallable: true };
      const query = new URLSearchParams(testCase.params).toString();
      const ran = await runRule(services, source, query, {
        checkAnswer: !testCase.args,
        ...(testCase.now ? { now: new Date(testCase.now) } : {}),
      });
      if ('problem' in ran) return done([`the case's parameters are refused: ${ran.problem}`]);
      const { failures, details } = await checkExpectations(services, testCase, ran);
      return done(failures, details);
    } finally {
      await closeServices(services);
    }
  } catch (error) {
    return done([`the case could not run: ${error instanceof Error ? error.message : String(error)}`]);
  } finally {
    await close();
  }
}
