/**
 * The data dictionary in memory: what every part of ctihost asks about business tables
 * (which tables exist, their columns with inheritance, where their rows are stored).
 */
import type { ColumnType, DictionaryFile } from './definition.ts';

export type Choice = { value: string | number; label: string };

export interface ColumnInfo {
  readonly name: string;
  readonly type: ColumnType;
  readonly label: string;
  /** The table that declared the column (a parent's columns are inherited). */
  readonly table: string;
  readonly reference?: string;
  readonly choices?: readonly Choice[];
  /** Set by the host, never by a script or an import. */
  readonly system: boolean;
}

export interface TableInfo {
  readonly name: string;
  readonly label: string;
  readonly extends?: string;
  /** The physical table of the hierarchy (its root) in schema `biz`. */
  readonly storage: string;
  readonly numberPrefix?: string;
  /** The table whose sequence numbers this table's records: the nearest one declaring a prefix. */
  readonly numberSequenceOf?: string;
  readonly displayField: string;
  /** System, inherited and own columns, in display order. */
  readonly columns: ReadonlyMap<string, ColumnInfo>;
  /** This table and every table extending it, directly or not: the `sys_class_name`s a query matches. */
  readonly classes: readonly string[];
}

export type TableRow = {
  name: string;
  label: string;
  extends: string | null;
  storage: string;
  numberPrefix: string | null;
  displayField: string | null;
};
export type ColumnRow = {
  table: string;
  name: string;
  type: string;
  label: string;
  reference: string | null;
  choices: Choice[] | null;
  position: number;
};

export const BUSINESS_SCHEMA = 'biz';

/** The physical column holding a phone column's E.164 form; `__` can never be a dictionary name. */
export const e164Column = (column: string) => `${column}__e164`;

export const labelFor = (name: string) =>
  name
    .replace(/^u_/, '')
    .split('_')
    .filter(Boolean)
    .map((word, index) => (index === 0 ? word[0]!.toUpperCase() + word.slice(1) : word))
    .join(' ');

function systemColumns(table: string): ColumnInfo[] {
  return [
    { name: 'sys_id', type: 'string', label: 'Sys ID', table, system: true },
    { name: 'sys_class_name', type: 'string', label: 'Class', table, system: true },
    { name: 'sys_created_on', type: 'datetime', label: 'Created', table, system: true },
    { name: 'sys_updated_on', type: 'datetime', label: 'Updated', table, system: true },
  ];
}

export class Dictionary {
  readonly #tables: Map<string, TableInfo>;

  constructor(tableRows: readonly TableRow[], columnRows: readonly ColumnRow[]) {
    const rowsByName = new Map(tableRows.map((row) => [row.name, row]));
    const ownColumns = new Map<string, ColumnRow[]>();
    for (const column of [...columnRows].sort((a, b) => a.position - b.position)) {
      const list = ownColumns.get(column.table) ?? [];
      list.push(column);
      ownColumns.set(column.table, list);
    }
    const ancestry = (name: string): TableRow[] => {
      const chain: TableRow[] = [];
      for (let row = rowsByName.get(name); row; row = row.extends ? rowsByName.get(row.extends) : undefined) {
        if (chain.includes(row)) break;
        chain.unshift(row);
      }
      return chain;
    };
    this.#tables = new Map();
    for (const row of tableRows) {
      const chain = ancestry(row.name);
      const columns = new Map<string, ColumnInfo>(systemColumns(row.name).map((c) => [c.name, c]));
      for (const ancestor of chain) {
        for (const c of ownColumns.get(ancestor.name) ?? []) {
          columns.set(c.name, {
            name: c.name,
            type: c.type as ColumnType,
            label: c.label,
            table: ancestor.name,
            system: false,
            ...(c.reference ? { reference: c.reference } : {}),
            ...(c.choices ? { choices: c.choices } : {}),
          });
        }
      }
      const numbered = [...chain].reverse().find((t) => t.numberPrefix);
      const prefix = numbered?.numberPrefix;
      const display = [...chain].reverse().find((t) => t.displayField)?.displayField;
      const classes = tableRows
        .filter((other) => ancestry(other.name).some((a) => a.name === row.name))
        .map((t) => t.name);
      this.#tables.set(row.name, {
        name: row.name,
        label: row.label,
        ...(row.extends ? { extends: row.extends } : {}),
        storage: row.storage,
        ...(prefix && numbered ? { numberPrefix: prefix, numberSequenceOf: numbered.name } : {}),
        displayField: display ?? (columns.has('name') ? 'name' : columns.has('number') ? 'number' : 'sys_id'),
        columns,
        classes,
      });
    }
  }

  get(table: string): TableInfo | undefined {
    return this.#tables.get(table);
  }

  has(table: string): boolean {
    return this.#tables.has(table);
  }

  get tables(): TableInfo[] {
    return [...this.#tables.values()];
  }

  /** The tables sharing one physical table: a new column name must be free in all of them. */
  hierarchy(storage: string): TableInfo[] {
    return this.tables.filter((t) => t.storage === storage);
  }

  /** The dictionary as a file: own columns only, parents before children, so it can be pushed back as is. */
  toFile(): DictionaryFile {
    const ordered: TableInfo[] = [];
    const visit = (t: TableInfo) => {
      if (ordered.includes(t)) return;
      const parent = t.extends ? this.get(t.extends) : undefined;
      if (parent) visit(parent);
      ordered.push(t);
    };
    for (const t of this.tables) visit(t);
    return {
      tables: ordered.map((t) => {
        const parent = t.extends ? this.get(t.extends) : undefined;
        return {
          name: t.name,
          label: t.label,
          ...(t.extends ? { extends: t.extends } : {}),
          ...(t.numberPrefix && t.numberPrefix !== parent?.numberPrefix
            ? { numberPrefix: t.numberPrefix }
            : {}),
          ...(t.displayField !== parent?.displayField ? { displayField: t.displayField } : {}),
          columns: [...t.columns.values()]
            .filter((c) => !c.system && c.table === t.name)
            .map((c) => ({
              name: c.name,
              type: c.type,
              label: c.label,
              ...(c.reference ? { reference: c.reference } : {}),
              ...(c.choices ? { choices: [...c.choices] } : {}),
            })),
        };
      }),
    };
  }
}
