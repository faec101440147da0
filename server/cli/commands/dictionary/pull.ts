/** `ctihost dictionary pull FILE`: every business table and its own columns, parents first, as JSON (`-` for stdout). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addDatabaseOptions, type DatabaseOptions } from '../../options.ts';
import { out, paint, plural } from '../../output.ts';

export function registerDictionaryPull(dictionary: Command): Command {
  const command = dictionary
    .command('pull')
    .description('write the data dictionary to FILE as JSON')
    .argument('<file>', "file to write ('-' for standard output)");
  addDatabaseOptions(command).action(async (file: string, options: DatabaseOptions) => {
    const { withDatabase } = await import('../../context.ts');
    await withDatabase(options, { demoData: true }, async (_database, _config, prepared) => {
      const exported = prepared.dictionary.toFile();
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (file === '-') {
        process.stdout.write(text);
        return;
      }
      writeFileSync(file, text);
      const columns = exported.tables.reduce((sum, table) => sum + table.columns.length, 0);
      out(
        `${paint('green', 'wrote')} ${file}: ${plural(exported.tables.length, 'table')}, ${plural(columns, 'column')}`,
      );
    });
  });
  return command;
}
