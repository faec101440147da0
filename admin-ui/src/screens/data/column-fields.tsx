/** The inputs of one column (name, type, label, reference, choices), for a new table's columns and for adding one. */
import { useId } from 'preact/hooks';
import { COLUMN_TYPES, type ColumnDraft, takesChoices } from './tables-api.ts';
import { Field } from './ui.tsx';

export function ColumnFields({
  draft,
  tables,
  errors,
  onChange,
  autoFocus,
}: {
  draft: ColumnDraft;
  tables: string[];
  /** Messages by column field, from the server's validation details. */
  errors: Partial<Record<keyof ColumnDraft, string>>;
  onChange: (draft: ColumnDraft) => void;
  autoFocus?: boolean;
}) {
  const id = useId();
  const set = (patch: Partial<ColumnDraft>) => onChange({ ...draft, ...patch });
  return (
    <div class="d-column-fields">
      <Field label="Column name" id={`${id}-name`} error={errors.name} hint="u_… or a lower-case name">
        <input
          id={`${id}-name`}
          class="d-input d-mono"
          name="column-name"
          value={draft.name}
          autofocus={autoFocus}
          autocomplete="off"
          spellcheck={false}
          aria-invalid={Boolean(errors.name)}
          aria-describedby={errors.name ? `${id}-name-error` : undefined}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </Field>
      <Field label="Type" id={`${id}-type`} error={errors.type}>
        <select
          id={`${id}-type`}
          class="d-input"
          name="column-type"
          value={draft.type}
          onChange={(e) => set({ type: e.currentTarget.value as ColumnDraft['type'] })}
        >
          {COLUMN_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Label" id={`${id}-label`} error={errors.label}>
        <input
          id={`${id}-label`}
          class="d-input"
          name="column-label"
          value={draft.label}
          placeholder="from the name"
          aria-invalid={Boolean(errors.label)}
          onInput={(e) => set({ label: e.currentTarget.value })}
        />
      </Field>
      {draft.type === 'reference' ? (
        <Field label="Refers to" id={`${id}-reference`} error={errors.reference}>
          <select
            id={`${id}-reference`}
            class="d-input"
            name="column-reference"
            value={draft.reference}
            aria-invalid={Boolean(errors.reference)}
            onChange={(e) => set({ reference: e.currentTarget.value })}
          >
            <option value="">choose a table</option>
            {tables.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {takesChoices(draft.type) ? (
        <Field
          label={draft.type === 'choice' ? 'Choices' : 'Choices (optional)'}
          id={`${id}-choices`}
          error={errors.choices}
          hint="value=label, separated by commas"
        >
          <input
            id={`${id}-choices`}
            class="d-input d-input-wide"
            name="column-choices"
            value={draft.choices}
            placeholder={draft.type === 'integer' ? '1=High, 2=Medium, 3=Low' : 'new=New, closed=Closed'}
            aria-invalid={Boolean(errors.choices)}
            onInput={(e) => set({ choices: e.currentTarget.value })}
          />
        </Field>
      ) : null}
    </div>
  );
}
