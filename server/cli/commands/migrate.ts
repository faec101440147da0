/** `ctihost migrate`: brings a database to the current model (system tables, shipped tables, shipped rules when none), without demo data. */
import type { Command } from 'commander';
import { addDatabaseOptions, type DatabaseOptions, describeTarget } from '../options.ts';
import { out, paint } from '../output.ts';

export function registerMigrate(program: Command): Command {
  const command = program
    .command('migrate')
    .description('apply the migrations and add the shipped tables and rules, without demo data');
  addDatabaseOptions(command).action(async (options: DatabaseOptions) => {
    const { withDatabase } = await import('../context.ts');
    await withDatabase(options, { demoData: false }, async (_database, config, { dictionary }) => {
      out(
        `${paint('green', '✓')} ${describeTarget(config)} is up to date (${dictionary.tables.length} business tables)`,
      );
    });
  });
  return command;
}
