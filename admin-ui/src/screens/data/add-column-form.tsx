/** Adding one column to a table (POST /api/tables/:table/columns), its validation messages beside its fields. */
import { useState } from 'preact/hooks';
import { ColumnFields } from './column-fields.tsx';
import { fieldErrors } from './errors.ts';
import {
  addColumn,
  type ColumnDraft,
  columnFieldOf,
  emptyColumn,
  type TableView,
  toDefinition,
} from './tables-api.ts';
import { ErrorBanner } from './ui.tsx';
import { useAction } from './use-action.ts';

export function AddColumnForm({
  table,
  tables,
  onAdded,
}: {
  table: string;
  tables: string[];
  onAdded: (table: TableView, column: string) => void;
}) {
  const [draft, setDraft] = useState<ColumnDraft>(emptyColumn);
  const { busy, error, run } = useAction();
  const errors: Partial<Record<keyof ColumnDraft, string>> = {};
  for (const [path, message] of Object.entries(fieldErrors(error))) {
    const field = columnFieldOf(path, '');
    if (field && !errors[field]) errors[field] = message;
  }

  async function submit(event: Event) {
    event.preventDefault();
    await run(async () => {
      const column = toDefinition(draft);
      const updated = await addColumn(table, column);
      setDraft(emptyColumn());
      onAdded(updated, column.name);
    });
  }

  return (
    <form class="d-panel" aria-labelledby="d-add-column-title" onSubmit={submit} noValidate>
      <h2 id="d-add-column-title">Add a column</h2>
      <ColumnFields draft={draft} tables={tables} errors={errors} onChange={setDraft} />
      <ErrorBanner error={error} />
      <div class="d-actions">
        <button type="submit" class="d-button d-button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add column'}
        </button>
      </div>
    </form>
  );
}
