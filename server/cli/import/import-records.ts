/**
 * Loads records into a business table in batches, row by row validated: a row that is refused
 * (a value that cannot be coerced, an unknown field, a reference to nothing) is set aside with its
 * position and reason, and the rest of its batch is written (server/records/upsert.ts, one
 * transaction per batch, matched by sys_id, else user_name or number).
 */
import type { TableInfo } from '../../dictionary/model.ts';
import { AppError } from '../../errors.ts';
import { type RowProblem, type UpsertContext, upsertRecords } from '../../records/upsert.ts';
import { HOST_SET, validateRecord } from '../../records/validate-record.ts';
import type { SourceRow } from './record-source.ts';

export type Rejection = { position: string; problems: string[] };

export type ImportSummary = {
  table: string;
  read: number;
  inserted: number;
  updated: number;
  rejected: number;
  /** The first rejections, in file order (at most `keepRejections`). */
  rejections: Rejection[];
  /** Each reason with how many rows it refused, most frequent first. */
  reasons: { reason: string; rows: number }[];
  /** Fields left out because the table has no such field (with `skipUnknownFields`). */
  skippedFields: string[];
};

export type ImportOptions = {
  batch: number;
  skipUnknownFields: boolean;
  keepRejections?: number;
  onProgress?: (summary: Pick<ImportSummary, 'read' | 'rejected'>) => void;
};

type Pending = { position: string; record: Record<string, unknown> };

/** Fields every record may carry: its sys_id and those the host sets itself (validate-record.ts). */
const KNOWN_EXTRA = new Set(['sys_id', ...HOST_SET]);

/** The database's own words, not drizzle's "Failed query: …" with the statement. */
const databaseMessage = (error: unknown) => {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
};

export async function importRecords(
  ctx: UpsertContext,
  table: TableInfo,
  rows: AsyncIterable<SourceRow>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const keep = options.keepRejections ?? 1000;
  const summary: ImportSummary = {
    table: table.name,
    read: 0,
    inserted: 0,
    updated: 0,
    rejected: 0,
    rejections: [],
    reasons: [],
    skippedFields: [],
  };
  const reasons = new Map<string, number>();
  const skipped = new Set<string>();

  const reject = (position: string, problems: string[]) => {
    summary.rejected += 1;
    if (summary.rejections.length < keep) summary.rejections.push({ position, problems });
    // Grouped by what is wrong, not by the value: "vip: expected true or false" for every such row.
    for (const problem of new Set(problems)) reasons.set(problem, (reasons.get(problem) ?? 0) + 1);
  };

  const prepare = (record: unknown): unknown => {
    if (!options.skipUnknownFields || record === null || typeof record !== 'object' || Array.isArray(record))
      return record;
    const kept: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(record)) {
      if (table.columns.has(field) || KNOWN_EXTRA.has(field)) kept[field] = value;
      else skipped.add(field);
    }
    return kept;
  };

  const write = async (batch: Pending[]) => {
    let pending = batch;
    // Reference checks happen in upsertRecords: the rows it refuses are set aside, the rest written.
    while (pending.length > 0) {
      try {
        const result = await upsertRecords(
          ctx,
          table.name,
          pending.map((p) => p.record),
        );
        summary.inserted += result.inserted;
        summary.updated += result.updated;
        return;
      } catch (error) {
        if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
          const refused = (error.details as { rejected?: RowProblem[] } | undefined)?.rejected ?? [];
          if (refused.length === 0) throw error;
          const byIndex = new Map<number, string[]>();
          for (const p of refused) byIndex.set(p.index, [...(byIndex.get(p.index) ?? []), p.message]);
          for (const [index, problems] of byIndex) reject(pending[index]!.position, problems);
          pending = pending.filter((_, index) => !byIndex.has(index));
          continue;
        }
        if (error instanceof AppError) throw error;
        await writeOneByOne(pending);
        return;
      }
    }
  };

  /** A batch the database refused (a unique key twice, a value too long for an index): find the rows. */
  const writeOneByOne = async (batch: Pending[]) => {
    let failures = 0;
    let lastError: unknown;
    for (const row of batch) {
      try {
        const result = await upsertRecords(ctx, table.name, [row.record]);
        summary.inserted += result.inserted;
        summary.updated += result.updated;
      } catch (error) {
        failures += 1;
        lastError = error;
        const problems =
          error instanceof AppError
            ? ((error.details as { rejected?: RowProblem[] } | undefined)?.rejected?.map(
                (p) => p.message,
              ) ?? [error.message])
            : [databaseMessage(error)];
        reject(row.position, problems);
      }
    }
    // Every row failing on its own is the database failing, not the rows: stop rather than reject the whole file.
    if (failures === batch.length && batch.length > 1 && !(lastError instanceof AppError)) throw lastError;
  };

  let batch: Pending[] = [];
  for await (const row of rows) {
    summary.read += 1;
    if ('unreadable' in row) reject(row.position, [row.unreadable]);
    else {
      const record = prepare(row.record);
      const checked = validateRecord(table, record);
      if (checked.problems.length > 0)
        reject(
          row.position,
          checked.problems.map((p) =>
            p.message.startsWith(`${p.field}:`) || p.message.includes(` field ${p.field}`)
              ? p.message
              : `${p.field}: ${p.message}`,
          ),
        );
      else batch.push({ position: row.position, record: record as Record<string, unknown> });
    }
    if (batch.length >= options.batch) {
      await write(batch);
      batch = [];
    }
    if (summary.read % 500 === 0) options.onProgress?.(summary);
  }
  if (batch.length > 0) await write(batch);
  options.onProgress?.(summary);
  summary.reasons = [...reasons]
    .map(([reason, count]) => ({ reason, rows: count }))
    .sort((a, b) => b.rows - a.rows);
  summary.skippedFields = [...skipped].sort();
  return summary;
}
