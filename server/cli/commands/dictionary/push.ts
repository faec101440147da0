/**
 * `ctihost dictionary push FILE`: adds the tables and columns FILE declares that the database lacks,
 * in one transaction (server/dictionary/apply.ts); it never drops or changes what is there.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { applyDefinitions } from '../../../dictionary/apply.ts';
import { CliError, usageError } from '../../errors.ts';
import { addDatabaseOptions, type DatabaseOptions } from '../../options.ts';
import { out, paint, printJson } from '../../output.ts';

type PushOptions = DatabaseOptions & { json?: boolean };

async function readDictionaryFile(file: string) {
  const { dictionaryFile } = await import('../../../dictionary/definition.ts');
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = dictionaryFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new CliError(`${file} is not a dictionary file:\n  ${problems.slice(0, 50).join('\n  ')}`);
  }
  return parsed.data;
}

export function registerDictionaryPush(dictionary: Command): Command {
  const command = dictionary
    .command('push')
    .description('add the tables and columns FILE declares that the database lacks (never drops)')
    .argument('<file>', "dictionary JSON file ('-' for standard input)")
    .option('--json', 'print what was added as JSON');
  addDatabaseOptions(command).action(async (file: string, options: PushOptions) => {
    const definitions = await readDictionaryFile(file);
    const { withDatabase } = await import('../../context.ts');
    const { applyDefinitions } = await import('../../../dictionary/apply.ts');
    const { AppError } = await import('../../../errors.ts');
    const { announceChange } = await import('../../../db/change-notices.ts');
    await withDatabase(options, { demoData: true }, async (database) => {
      let result: Awaited<ReturnType<typeof applyDefinitions>>;
      try {
        result = await applyDefinitions(database, definitions.tables);
      } catch (error) {
        if (error instanceof AppError) throw new CliError(`${file}: nothing was added: ${error.message}`);
        throw error;
      }
      // Running servers on the same PostgreSQL reload their dictionary now, not at their next check.
      if (result.tablesAdded.length + result.columnsAdded.length > 0)
        await announceChange(database, 'dictionary');
      if (options.json) {
        printJson({ tablesAdded: result.tablesAdded, columnsAdded: result.columnsAdded });
        return;
      }
      for (const table of result.tablesAdded) out(`${paint('green', 'table added ')} ${table}`);
      for (const column of result.columnsAdded) out(`${paint('green', 'column added')} ${column}`);
      out(
        result.tablesAdded.length + result.columnsAdded.length === 0
          ? 'nothing to add: the database already has every table and column of the file'
          : `${result.tablesAdded.length} table(s) and ${result.columnsAdded.length} column(s) added`,
      );
    });
  });
  return command;
}
