/**
 * An agent's new record, posted from the form: references typed by name resolved, the host's
 * defaults filled in (a new task is active, new, opened now), then one validated write through
 * upsertRecords under a fresh sys_id, so a submit always creates and never updates.
 */
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../db/sql-state.ts';
import type { TableInfo } from '../dictionary/model.ts';
import { AppError } from '../errors.ts';
import type { RowProblem } from '../records/upsert.ts';
import { upsertRecords } from '../records/upsert.ts';
import { validateRecord } from '../records/validate-record.ts';
import { type ScreenContext, writeContext } from './context.ts';
import { type FormValues, isEditable } from './new-record-form.ts';
import { resolveReference } from './references.ts';

export type SubmitResult =
  | { ok: true; sysId: string }
  | { ok: false; form: FormValues; byField: Map<string, string>; general: string[] };

/** The form's fields among the posted ones: editable columns of the table, and the references' shown ids. */
export function formValuesOf(table: TableInfo, body: Record<string, string>): FormValues {
  const values = new Map<string, string>();
  const shown = new Map<string, string>();
  for (const column of table.columns.values()) {
    if (!isEditable(table, column)) continue;
    const value = body[column.name];
    if (value !== undefined) values.set(column.name, value);
    const id = body[`${column.name}__shown`];
    if (column.type === 'reference' && id) shown.set(column.name, id);
  }
  return { values, shown };
}

function withDefaults(table: TableInfo, record: Record<string, unknown>): void {
  const blank = (name: string) => table.columns.has(name) && (record[name] ?? '') === '';
  if (blank('active') && table.columns.get('active')!.type === 'boolean') record.active = true;
  if (blank('opened_at') && table.columns.get('opened_at')!.type === 'datetime') {
    record.opened_at = new Date().toISOString();
  }
  const state = table.columns.get('state');
  if (blank('state') && state?.choices?.[0]) record.state = state.choices[0].value;
}

export async function submitNewRecord(
  ctx: ScreenContext,
  table: TableInfo,
  form: FormValues,
  actor: string,
): Promise<SubmitResult> {
  const dictionary = ctx.dictionary();
  const byField = new Map<string, string>();
  const record: Record<string, unknown> = {};
  for (const [name, text] of form.values) {
    const column = table.columns.get(name)!;
    if (column.type !== 'reference') {
      record[name] = text;
      continue;
    }
    const resolved = await resolveReference(
      ctx.reader,
      dictionary,
      column,
      text,
      form.shown.get(name) ?? null,
    );
    if (resolved.ok) record[name] = resolved.id ?? '';
    else byField.set(name, resolved.message);
  }
  withDefaults(table, record);
  for (const problem of validateRecord(table, record).problems) {
    if (!byField.has(problem.field)) byField.set(problem.field, problem.message);
  }
  if (byField.size > 0) return { ok: false, form, byField, general: [] };
  try {
    const result = await upsertRecords(writeContext(ctx, actor), table.name, [
      { sys_id: randomUUID(), ...record },
    ]);
    return { ok: true, sysId: result.sysIds[0]! };
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
      const rejected = (error.details as { rejected?: RowProblem[] } | undefined)?.rejected ?? [];
      for (const p of rejected) if (!byField.has(p.field)) byField.set(p.field, p.message);
      return { ok: false, form, byField, general: rejected.length === 0 ? [error.message] : [] };
    }
    if (isUniqueViolation(error)) {
      return {
        ok: false,
        form,
        byField,
        general: [`a ${table.label} with one of these values exists already; nothing was saved`],
      };
    }
    throw error;
  }
}
