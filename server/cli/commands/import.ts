/**
 * `ctihost import TABLE FILE`: records of any business table from a .csv, .json or .ndjson file
 * (a ServiceNow export as it comes), streamed, validated row by row; rows that are refused are
 * listed with their line and reason, and the others are written. Exit 0 when the file was read to
 * its end (rejected rows included), 1 when the import stopped.
 */
import { statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { CliError, usageError } from '../errors.ts';
import type { ImportSummary } from '../import/import-records.ts';
import { addDatabaseOptions, type DatabaseOptions, parseWholeNumber } from '../options.ts';
import { formatMs, out, paint, plural, printJson, progressBar } from '../output.ts';

const FORMATS = ['csv', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

type ImportOptions = DatabaseOptions & {
  format?: Format;
  batch: number;
  skipUnknownFields?: boolean;
  show: number;
  json?: boolean;
};

export function registerImport(program: Command): Command {
  const command = program
    .command('import')
    .description('load records of a business table from a .csv, .json or .ndjson file, validated row by row')
    .argument('<table>', 'business table (sys_user, incident, a custom table, …)')
    .argument('<file>', 'the file: a ServiceNow export or any file of the same shape')
    .addOption(
      new Option('--format <format>', 'read the file as this format, whatever its extension').choices(
        FORMATS,
      ),
    )
    .addOption(new Option('--batch <n>', 'records per transaction').argParser(parseWholeNumber).default(1000))
    .option(
      '--skip-unknown-fields',
      'leave out fields the table does not have, rather than refusing their rows',
    )
    .addOption(new Option('--show <n>', 'rejected rows to list').argParser(parseWholeNumber).default(50))
    .option('--json', 'print the summary as JSON');
  addDatabaseOptions(command).action(
    async (tableName: string, file: string, options: ImportOptions, cmd: Command) => {
      const { formatOf, readRecords } = await import('../import/record-source.ts');
      const format = options.format ?? formatOf(file);
      if (!format)
        cmd.error(`error: cannot tell the format of ${file}: use .csv, .json or .ndjson, or --format`, {
          exitCode: 2,
        });
      if (options.batch < 1) cmd.error('error: --batch must be at least 1', { exitCode: 2 });
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw usageError(`${file} is not a file`);
        size = stat.size;
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
      const { cliActor, withDatabase } = await import('../context.ts');
      const { importRecords } = await import('../import/import-records.ts');
      await withDatabase(options, { demoData: true }, async (database, config, { dictionary }) => {
        const table = dictionary.get(tableName);
        if (!table) {
          throw usageError(
            `no business table named ${tableName} (tables: ${dictionary.tables.map((t) => t.name).join(', ')})`,
          );
        }
        const bar = progressBar(
          `importing ${table.name} |{bar}| {percentage}% | {rows} rows, {rejected} rejected | {duration_formatted}`,
          Math.max(size, 1),
          { enabled: !options.json, payload: { rows: 0, rejected: 0 } },
        );
        let bytes = 0;
        const started = performance.now();
        let summary: ImportSummary;
        try {
          summary = await importRecords(
            { database, dictionary, defaultRegion: config.defaultRegion, actor: cliActor() },
            table,
            readRecords(file, format!, (read) => {
              bytes = read;
            }),
            {
              batch: options.batch,
              skipUnknownFields: Boolean(options.skipUnknownFields),
              keepRejections: Math.max(options.show, options.json ? 10_000 : 0),
              onProgress: ({ read, rejected }) => bar.update(bytes, { rows: read, rejected }),
            },
          );
          bar.update(Math.max(size, 1));
        } catch (error) {
          throw new CliError(
            `the import of ${file} stopped: ${error instanceof Error ? error.message : error}`,
          );
        } finally {
          bar.stop();
        }
        const ms = performance.now() - started;
        if (options.json) printJson({ ...summary, file, durationMs: Math.round(ms) });
        else printSummary(summary, file, options.show, ms);
      });
    },
  );
  return command;
}

function printSummary(summary: ImportSummary, file: string, show: number, ms: number): void {
  const written = summary.inserted + summary.updated;
  const mark = summary.rejected === 0 ? paint('green', '✓') : paint('yellow', '!');
  out(
    `${mark} ${file} → ${summary.table}: ${plural(summary.read, 'row')} read, ${written.toLocaleString('en-US')} imported (${summary.inserted.toLocaleString('en-US')} inserted, ${summary.updated.toLocaleString('en-US')} updated), ${summary.rejected.toLocaleString('en-US')} rejected, in ${formatMs(ms)}`,
  );
  if (summary.skippedFields.length > 0)
    out(`  fields left out (not in ${summary.table}): ${summary.skippedFields.join(', ')}`);
  if (summary.rejected === 0) return;
  out();
  out(paint('bold', 'rejected rows'));
  for (const rejection of summary.rejections.slice(0, show))
    out(`  ${paint('yellow', rejection.position)}: ${rejection.problems.join('; ')}`);
  if (summary.rejected > show)
    out(paint('gray', `  … and ${(summary.rejected - show).toLocaleString('en-US')} more`));
  out();
  out(paint('bold', 'why'));
  for (const { reason, rows } of summary.reasons.slice(0, 20))
    out(`  ${plural(rows, 'row').padStart(12)}  ${reason}`);
  if (summary.reasons.some((r) => / has no field /.test(r.reason)))
    out(paint('gray', '  (--skip-unknown-fields imports such rows without those fields)'));
}
