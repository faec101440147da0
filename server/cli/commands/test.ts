/**
 * `ctihost test [DIR]`: runs the rule test cases kept beside the rules (DIR/<Rule>.test.json) with
 * the rules of DIR, each case on a fresh database, and reports like a test runner, closing with
 * the line `N passed, N failed`. Exit 1 when a case fails (or none was found).
 */

import { existsSync, statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { Config } from '../../config/env.ts';
import { CliError, EXIT, usageError } from '../errors.ts';
import { parseDatabaseUrl } from '../options.ts';
import { err, formatMs, out, paint, printJson } from '../output.ts';
import type { CliRun } from '../program.ts';
import type { TestBench } from '../testing/bench.ts';
import type { CaseResult } from '../testing/run-case.ts';

type TestOptions = { databaseUrl?: string; grep?: string; json?: boolean };

/**
 * The cases' own databases are used; the environment gives only the region and the sandbox's limits.
 * The CPU limit is 1 s unless SANDBOX_CPU_MS is set: each case starts cold isolates on a fresh
 * database, often on a busy CI machine, where a server's 50 ms would fail rules that pass warm.
 */
async function testConfig(): Promise<Config> {
  const { ConfigError, loadConfig } = await import('../../config/env.ts');
  try {
    return loadConfig({
      SANDBOX_CPU_MS: '1000',
      ...process.env,
      DATABASE_URL: undefined,
      LOG_LEVEL: 'silent',
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

export function registerTest(program: Command, run: CliRun): Command {
  return program
    .command('test')
    .description(
      'run the rule test cases of DIR (<Rule>.test.json beside <Rule>.js), each on a fresh database',
    )
    .argument('[dir]', 'directory of rules and their test cases', 'rules')
    .addOption(
      new Option(
        '--database-url <url>',
        'run the cases on this PostgreSQL server (a database per case, dropped after) instead of an embedded one',
      ).argParser(parseDatabaseUrl),
    )
    .option('--grep <text>', 'only the cases whose name holds the text')
    .option('--json', 'print the results as JSON')
    .action(async (dir: string, options: TestOptions) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw usageError(`${dir} is not a directory`);
      const config = await testConfig();
      const { readRuleFiles } = await import('../rule-files.ts');
      const { loadCaseFiles } = await import('../testing/case-file.ts');
      const { embeddedBench, postgresBench } = await import('../testing/bench.ts');
      const { runCase } = await import('../testing/run-case.ts');
      const rules = readRuleFiles(dir).map((entry) => entry.rule);
      const { files, problems } = loadCaseFiles(dir);
      const started = performance.now();
      const results: CaseResult[] = problems.map((p) => ({
        file: p.file,
        rule: '',
        name: '(the file)',
        status: 'failed',
        failures: [p.problem],
        details: [],
        durationMs: 0,
      }));
      const cases = files.flatMap((file) =>
        file.cases
          .filter((c) => !options.grep || c.name.includes(options.grep))
          .map((testCase) => ({ file, testCase })),
      );
      if (!options.json) {
        for (const result of results) {
          out();
          out(paint('bold', result.file));
          printResult(result);
        }
      }
      if (cases.length > 0) {
        const bench: TestBench = options.databaseUrl
          ? await postgresBench(options.databaseUrl, rules, config.defaultRegion)
          : await embeddedBench(rules, config.defaultRegion);
        try {
          let current = '';
          for (const { file, testCase } of cases) {
            if (!options.json && file.file !== current) {
              current = file.file;
              out();
              out(`${paint('bold', file.file)} ${paint('gray', `(${file.rule})`)}`);
            }
            const result = await runCase(bench, file, testCase, config);
            results.push(result);
            if (!options.json) printResult(result);
          }
        } finally {
          await bench.close();
        }
      }
      const passed = results.filter((r) => r.status === 'passed').length;
      const failed = results.filter((r) => r.status === 'failed').length;
      const skipped = results.filter((r) => r.status === 'skipped').length;
      if (failed > 0 || passed === 0) run.exitCode = EXIT.failure;
      if (options.json) {
        printJson({ passed, failed, skipped, durationMs: Math.round(performance.now() - started), results });
        return;
      }
      if (results.length === 0) err(`no test cases in ${dir} (files named <Rule>.test.json)`);
      const failures = results.filter((r) => r.status === 'failed');
      if (failures.length > 0) {
        out();
        out(paint('red', paint('bold', 'failed')));
        for (const r of failures) out(`  ${paint('red', '✗')} ${r.file} › ${r.name}`);
      }
      out();
      if (skipped > 0) out(`${skipped} skipped`);
      out(paint('gray', `${results.length} cases in ${formatMs(performance.now() - started)}`));
      out(`${passed} passed, ${failed} failed`);
    });
}

function printResult(result: CaseResult): void {
  const time = paint('gray', formatMs(result.durationMs));
  if (result.status === 'skipped') {
    out(`  ${paint('yellow', '-')} ${result.name} ${paint('gray', `(skipped: ${result.skip})`)}`);
    return;
  }
  if (result.status === 'passed') {
    out(`  ${paint('green', '✓')} ${result.name} ${time}`);
    return;
  }
  out(`  ${paint('red', '✗')} ${result.name} ${time}`);
  for (const failure of result.failures) out(`      ${paint('red', failure.replace(/\n/g, '\n      '))}`);
  for (const detail of result.details) out(paint('gray', `      ${detail}`));
}
