/**
 * `ctihost seed --users N --incidents M`: a large data set for benchmarks (SPEC §4), written in
 * batches of one statement each (server/seed/bulk.ts), with a progress bar on a terminal.
 */
import { type Command, Option } from 'commander';
import { addDatabaseOptions, type DatabaseOptions, describeTarget, parseWholeNumber } from '../options.ts';
import { formatMs, out, paint, plural, printJson, progressBar } from '../output.ts';

type SeedOptions = DatabaseOptions & {
  users: number;
  incidents: number;
  batch: number;
  seed?: number;
  json?: boolean;
};

export function registerSeed(program: Command): Command {
  const command = program
    .command('seed')
    .description(
      'add generated users and incidents (varied phone formats, repeated names, open and closed incidents)',
    )
    .addOption(new Option('--users <n>', 'users to add').argParser(parseWholeNumber).default(1000))
    .addOption(new Option('--incidents <n>', 'incidents to add').argParser(parseWholeNumber).default(10_000))
    .addOption(new Option('--batch <n>', 'rows per statement').argParser(parseWholeNumber).default(5000))
    .addOption(
      new Option('--seed <n>', 'seed of the generator, for a repeatable set').argParser(parseWholeNumber),
    )
    .option('--json', 'print the result as JSON');
  addDatabaseOptions(command).action(async (options: SeedOptions, cmd: Command) => {
    if (options.batch < 1) cmd.error('error: --batch must be at least 1', { exitCode: 2 });
    if (options.incidents > 0 && options.users === 0)
      cmd.error('error: incidents need callers: give --users as well', { exitCode: 2 });
    const { withDatabase } = await import('../context.ts');
    const { seedBulk } = await import('../../seed/bulk.ts');
    await withDatabase(options, { demoData: true }, async (database, config, { dictionary }) => {
      const total = options.users + options.incidents;
      const bar = progressBar(
        'seeding {table} |{bar}| {percentage}% | {value}/{total} rows | {duration_formatted}',
        total,
        {
          enabled: !options.json,
          payload: { table: 'sys_user' },
        },
      );
      const started = performance.now();
      try {
        await seedBulk(
          database,
          dictionary,
          { users: options.users, incidents: options.incidents },
          {
            region: config.defaultRegion,
            batch: options.batch,
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            onProgress: (table, done) =>
              bar.update(table === 'sys_user' ? done : options.users + done, { table }),
          },
        );
      } finally {
        bar.stop();
      }
      const ms = performance.now() - started;
      if (options.json) {
        printJson({ users: options.users, incidents: options.incidents, durationMs: Math.round(ms) });
        return;
      }
      out(
        `${paint('green', '✓')} added ${plural(options.users, 'user')} and ${plural(options.incidents, 'incident')} to ${describeTarget(config)} in ${formatMs(ms)}`,
      );
    });
  });
  return command;
}
