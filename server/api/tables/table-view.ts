/** How the table API shows a business table: a line of the list, and the whole table with its columns. */
import type { ColumnType } from '../../dictionary/definition.ts';
import type { Choice, ColumnInfo, TableInfo } from '../../dictionary/model.ts';

export type TableSummary = {
  name: string;
  label: string;
  extends: string | null;
  numberPrefix: string | null;
  /** Columns a record of the table has, inherited ones included, system ones not. */
  columnCount: number;
};

export type ColumnView = {
  name: string;
  type: ColumnType;
  label: string;
  /** The table that declared it: this one, or the parent it is inherited from. */
  table: string;
  reference: string | null;
  choices: Choice[] | null;
  /** sys_id, sys_class_name, sys_created_on, sys_updated_on: set by ctihost, never by an import. */
  system: boolean;
};

export type TableView = TableSummary & {
  displayField: string;
  /** Tables extending this one, directly or not: their records are this table's records too. */
  extendedBy: string[];
  columns: ColumnView[];
};

const businessColumns = (table: TableInfo) => [...table.columns.values()].filter((c) => !c.system);

export function tableSummary(table: TableInfo): TableSummary {
  return {
    name: table.name,
    label: table.label,
    extends: table.extends ?? null,
    numberPrefix: table.numberPrefix ?? null,
    columnCount: businessColumns(table).length,
  };
}

function columnView(column: ColumnInfo): ColumnView {
  return {
    name: column.name,
    type: column.type,
    label: column.label,
    table: column.table,
    reference: column.reference ?? null,
    choices: column.choices ? column.choices.map((c) => ({ ...c })) : null,
    system: column.system,
  };
}

export function tableView(table: TableInfo): TableView {
  return {
    ...tableSummary(table),
    displayField: table.displayField,
    extendedBy: table.classes.filter((name) => name !== table.name),
    columns: [...table.columns.values()].map(columnView),
  };
}
