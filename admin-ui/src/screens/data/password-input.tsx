/** A password input with a generator and a show toggle, so an admin can hand a new password over. */
import type { TargetedInputEvent } from 'preact';
import { useState } from 'preact/hooks';
import { generatePassword, MIN_PASSWORD_LENGTH } from './accounts-api.ts';
import { Field } from './ui.tsx';

export function PasswordInput({
  id,
  label,
  value,
  error,
  autoFocus,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  autoFocus?: boolean;
  onChange: (value: string) => void;
}) {
  const [visible, setVisible] = useState(false);
  const props = {
    id,
    class: 'd-input d-mono',
    name: id,
    value,
    autofocus: autoFocus,
    autocomplete: 'new-password',
    'aria-invalid': Boolean(error),
    onInput: (e: TargetedInputEvent<HTMLInputElement>) => onChange(e.currentTarget.value),
  };
  return (
    <Field label={label} id={id} error={error} hint={`at least ${MIN_PASSWORD_LENGTH} characters`}>
      <div class="d-input-group">
        {/* One element either way (Preact keeps the node), so the cursor stays put when toggling. */}
        {visible ? <input type="text" {...props} /> : <input type="password" {...props} />}
        <button
          type="button"
          class="d-button d-button-small"
          onClick={() => setVisible(!visible)}
          aria-pressed={visible}
        >
          {visible ? 'Hide' : 'Show'}
        </button>
        <button
          type="button"
          class="d-button d-button-small"
          onClick={() => {
            onChange(generatePassword());
            setVisible(true);
          }}
        >
          Generate
        </button>
      </div>
    </Field>
  );
}
