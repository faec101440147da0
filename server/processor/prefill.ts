/**
 * The pre-fill of a new record (SPEC §5, §6): `sysparm_query` and the `sysparm_<field>` values,
 * checked against the incident's fields and types before any form sees them. What passes is merged
 * into one encoded query handed to the rule as `sysparm_query`; what does not is noted in the trace.
 */
import type { TableInfo } from '../dictionary/model.ts';
import { coerceValue } from '../dictionary/values.ts';
import { type Condition, encodeCondition, parseEncodedQuery } from '../records/encoded-query.ts';

export type Prefill = { query: string | null; notes: string[] };

/** Check one field=value pair; the value as it will be written into the encoded query, or a note. */
function checkField(
  table: TableInfo,
  field: string,
  value: string,
  source: string,
): { value: string } | { note: string } {
  const column = table.columns.get(field);
  if (!column || column.system)
    return { note: `${source}: ${table.name} has no field ${field}; left out of the pre-fill` };
  const coerced = coerceValue(column, value);
  if (!coerced.ok) return { note: `${source}: ${coerced.message}; left out of the pre-fill` };
  if (coerced.value === null || Array.isArray(coerced.value)) return { value };
  return { value: String(coerced.value) };
}

export function buildPrefill(
  params: Record<string, string>,
  table: TableInfo,
  standardParams: readonly string[],
): Prefill {
  const notes: string[] = [];
  const fields = new Map<string, string>();
  const query = params.sysparm_query;
  if (query) {
    let conditions: Condition[] = [];
    try {
      const parsed = parseEncodedQuery(query);
      if (parsed.groups.length > 1)
        notes.push('sysparm_query: ^NQ has no meaning for a pre-fill; only the first query was used');
      for (const clause of parsed.groups[0] ?? []) {
        const [first, ...others] = clause;
        if (!first || others.length > 0 || first.operator !== '=' || first.field.includes('.')) {
          notes.push(
            `sysparm_query: ${clause.map((c) => `${c.field}${c.operator}${c.value}`).join(' OR ')} is not a field=value pre-fill; left out`,
          );
          continue;
        }
        conditions.push(first);
      }
    } catch (error) {
      notes.push(`sysparm_query: ${(error as Error).message}; left out`);
      conditions = [];
    }
    for (const condition of conditions) {
      const checked = checkField(table, condition.field, condition.value, 'sysparm_query');
      if ('note' in checked) notes.push(checked.note);
      else fields.set(condition.field, checked.value);
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (standardParams.includes(name) || value === '') continue;
    const field = name.slice('sysparm_'.length);
    // Parameters that are not fields of the table stay plain globals for custom rules; only fields pre-fill.
    if (!table.columns.has(field)) {
      notes.push(
        `${name}: ${table.name} has no field ${field}; passed to the rule, left out of the pre-fill`,
      );
      continue;
    }
    const checked = checkField(table, field, value, name);
    if ('note' in checked) notes.push(checked.note);
    else fields.set(field, checked.value);
  }
  const encoded = [...fields].map(([field, value]) => encodeCondition(field, '=', value)).join('^');
  return { query: encoded === '' ? null : encoded, notes };
}

/** The parameters a rule sees: the call's, with `sysparm_query` replaced by the checked, merged pre-fill. */
export function ruleParameters(
  params: Record<string, string>,
  incident: TableInfo | undefined,
  standardParams: readonly string[],
): { ruleParams: Record<string, string>; prefill: Prefill } {
  const prefill = incident ? buildPrefill(params, incident, standardParams) : { query: null, notes: [] };
  const ruleParams: Record<string, string> = { ...params };
  if (prefill.query) ruleParams.sysparm_query = prefill.query;
  else delete ruleParams.sysparm_query;
  return { ruleParams, prefill };
}
