/**
 * The live half of /api/sandbox.d.ts: what the static typings (server/sandbox/runtime/sandbox.d.ts)
 * cannot know. The business tables of the dictionary become string literal types, so the editor
 * offers table names to `new GlideRecord('…')` and field names to addQuery, getValue and the like;
 * the active non-client-callable rules become the global functions a rule can call (prelude.js
 * defines exactly those, skipping names the engine or the runtime already define).
 */
import { runInNewContext } from 'node:vm';
import type { TableInfo } from '../../dictionary/model.ts';
import { ruleName } from '../../rules/rule-name.ts';

export type LiveFunction = { name: string; description: string };

/** The constructor line of the static typings that takes a table name. */
const TABLE_CONSTRUCTOR = 'constructor(table: string);';

/** Globals of a bare V8 context (what an isolate starts with): the prelude never redefines them. */
const ENGINE_GLOBALS: ReadonlySet<string> = new Set(
  runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[],
);

/** Names the static typings declare at the top level (a function of the same name would not compile). */
function declaredNames(staticDts: string): Set<string> {
  const names = new Set(['GlideTables', 'GlideTableName', 'GlideFieldName']);
  for (const match of staticDts.matchAll(
    /^(?:declare\s+)?(?:var|let|const|function|class|interface|type|namespace)\s+([A-Za-z_$][\w$]*)/gm,
  )) {
    names.add(match[1]!);
  }
  return names;
}

/** Text for a JSDoc comment: one line, never closing the comment early. */
const docText = (text: string) => text.replace(/\s+/g, ' ').replaceAll('*/', '*\\/').trim();

function tableTypes(tables: readonly TableInfo[]): string {
  const entries = [...tables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((table) => {
      const fields = [...table.columns.keys()].map((name) => JSON.stringify(name)).join(' | ');
      const label = docText(`${table.label}${table.extends ? ` (extends ${table.extends})` : ''}`);
      return `  /** ${label} */\n  ${JSON.stringify(table.name)}: ${fields || 'never'};`;
    });
  return `/** The business tables of the data dictionary, each with its fields (inherited and system ones included). */
interface GlideTables {
${entries.join('\n')}
}

/** The name of a business table. */
type GlideTableName = keyof GlideTables;

/** A field of any business table. */
type GlideFieldName = GlideTables[GlideTableName];

interface GlideRecord {
  /** Adds the condition \`field = value\`. */
  addQuery(field: GlideFieldName, value: GlideQueryValue): GlideQueryCondition;
  /** Adds the condition \`field <operator> value\`. */
  addQuery(field: GlideFieldName, operator: GlideQueryOperator, value: GlideQueryValue): GlideQueryCondition;
  /** Adds the condition "field is empty". */
  addNullQuery(field: GlideFieldName): GlideQueryCondition;
  /** Adds the condition "field is not empty". */
  addNotNullQuery(field: GlideFieldName): GlideQueryCondition;
  /** Orders the rows by \`field\`, ascending. */
  orderBy(field: GlideFieldName): void;
  /** Orders the rows by \`field\`, descending. */
  orderByDesc(field: GlideFieldName): void;
  /** Reads the first record where \`field = value\`; true when found. */
  get(field: GlideFieldName, value: GlideQueryValue): boolean;
  /** The field's value as a string, or null when empty. */
  getValue(field: GlideFieldName): string | null;
  /** The field's display value. */
  getDisplayValue(field: GlideFieldName): string;
  /** The field as a GlideElement. */
  getElement(field: GlideFieldName): GlideElement | null;
  /** Sets a field of the current or new record (non-client-callable functions only). */
  setValue(field: GlideFieldName, value: unknown): void;
}
`;
}

function functionDeclarations(functions: readonly LiveFunction[], taken: Set<string>): string {
  const declared = [...functions]
    .filter((f) => ruleName.safeParse(f.name).success && !taken.has(f.name) && !ENGINE_GLOBALS.has(f.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => {
      const about = docText(f.description);
      const doc = `${about ? `${about} ` : ''}(Non-client-callable rule: runs in the privileged service, which may write; its return value comes back as JSON.)`;
      return `/** ${doc} */\ndeclare function ${f.name}(args?: Record<string, unknown>): unknown;`;
    });
  if (declared.length === 0) return '// No active non-client-callable rules: no functions to call.\n';
  return `${declared.join('\n\n')}\n`;
}

/**
 * The whole served file: the static typings, with the GlideRecord constructor offering the table
 * names, followed by the live declarations.
 */
export function sandboxTypings(
  staticDts: string,
  live: { tables: readonly TableInfo[]; functions: readonly LiveFunction[]; at: Date },
): string {
  const base = staticDts.replace(TABLE_CONSTRUCTOR, 'constructor(table: GlideTableName | (string & {}));');
  return `${base.trimEnd()}

// ── Live: this instance's business tables and functions, as of ${live.at.toISOString()} ──

${tableTypes(live.tables)}
/* The active non-client-callable rules, callable from any rule as global functions. */
${functionDeclarations(live.functions, declaredNames(staticDts))}`;
}
