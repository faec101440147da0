/**
 * Adding a table (POST /api/tables): name, label, the table it extends, and its first columns. The
 * server's validation messages are shown beside the fields they name (`columns.1.type` beside the
 * second column's type); anything else stays in the banner.
 */
import { useState } from 'preact/hooks';
import { ColumnFields } from './column-fields.tsx';
import { fieldErrors } from './errors.ts';
import {
  type ColumnDraft,
  columnFieldOf,
  createTable,
  emptyColumn,
  type TableView,
  toDefinition,
} from './tables-api.ts';
import { ErrorBanner, Field } from './ui.tsx';
import { useAction } from './use-action.ts';

export function NewTableForm({
  tables,
  onCreated,
  onCancel,
}: {
  tables: string[];
  onCreated: (table: TableView) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [parent, setParent] = useState('');
  const [columns, setColumns] = useState<ColumnDraft[]>([emptyColumn()]);
  const { busy, error, run } = useAction();
  const errors = fieldErrors(error);
  // A column row left entirely blank is not sent: a table may start with no columns of its own.
  const filled = columns.filter((c) => c.name.trim() || c.label.trim());

  async function submit(event: Event) {
    event.preventDefault();
    await run(async () => {
      const table = await createTable({
        name: name.trim(),
        ...(label.trim() ? { label: label.trim() } : {}),
        ...(parent ? { extends: parent } : {}),
        columns: filled.map(toDefinition),
      });
      onCreated(table);
    });
  }

  const columnErrors = (index: number) => {
    const out: Partial<Record<keyof ColumnDraft, string>> = {};
    // The server numbers the columns it was sent, which are the filled ones.
    const sent = filled.indexOf(columns[index]!);
    if (sent < 0) return out;
    for (const [path, message] of Object.entries(errors)) {
      const field = columnFieldOf(path, `columns.${sent}`);
      if (field && !out[field]) out[field] = message;
    }
    return out;
  };

  return (
    <form class="d-panel" aria-labelledby="d-new-table-title" onSubmit={submit} noValidate>
      <h2 id="d-new-table-title">New table</h2>
      <div class="d-row">
        <Field label="Name" id="d-table-name" error={errors.name} hint="u_… or any lower-case name not taken">
          <input
            id="d-table-name"
            class="d-input d-mono"
            name="table-name"
            value={name}
            placeholder="u_service_call"
            autofocus
            autocomplete="off"
            spellcheck={false}
            aria-invalid={Boolean(errors.name)}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field label="Label" id="d-table-label" error={errors.label}>
          <input
            id="d-table-label"
            class="d-input"
            name="table-label"
            value={label}
            placeholder="from the name"
            onInput={(e) => setLabel(e.currentTarget.value)}
          />
        </Field>
        <Field label="Extends" id="d-table-extends" error={errors.extends}>
          <select
            id="d-table-extends"
            class="d-input"
            name="table-extends"
            value={parent}
            onChange={(e) => setParent(e.currentTarget.value)}
          >
            <option value="">no table</option>
            {tables.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <h3>Columns</h3>
      {errors.columns ? <p class="d-field-error">{errors.columns}</p> : null}
      <ol class="d-column-list">
        {columns.map((draft, index) => (
          <li key={index} class="d-column-item">
            <ColumnFields
              draft={draft}
              tables={name.trim() ? [...new Set([...tables, name.trim()])].sort() : tables}
              errors={columnErrors(index)}
              onChange={(next) => setColumns(columns.map((c, i) => (i === index ? next : c)))}
            />
            <button
              type="button"
              class="d-button d-button-small d-button-link"
              aria-label={`Remove column ${index + 1}`}
              onClick={() => setColumns(columns.filter((_, i) => i !== index))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        class="d-button d-button-small"
        onClick={() => setColumns([...columns, emptyColumn()])}
      >
        + Another column
      </button>
      <ErrorBanner error={error} />
      <div class="d-actions">
        <button type="button" class="d-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="d-button d-button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create table'}
        </button>
      </div>
    </form>
  );
}
