/** Creating an account (POST /api/accounts): username, password (with a generator), role; messages beside the fields. */
import { useState } from 'preact/hooks';
import { type Account, createAccount, type Role } from './accounts-api.ts';
import { fieldErrors } from './errors.ts';
import { PasswordInput } from './password-input.tsx';
import { ErrorBanner, Field } from './ui.tsx';
import { useAction } from './use-action.ts';

export function NewAccountForm({ onCreated }: { onCreated: (account: Account) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const { busy, error, run } = useAction();
  const errors = fieldErrors(error);

  async function submit(event: Event) {
    event.preventDefault();
    await run(async () => {
      const account = await createAccount({ username: username.trim(), password, role });
      setUsername('');
      setPassword('');
      onCreated(account);
    });
  }

  return (
    <form class="d-panel" aria-labelledby="d-new-account-title" onSubmit={submit} noValidate>
      <h2 id="d-new-account-title">New account</h2>
      <div class="d-row">
        <Field label="Username" id="d-new-username" error={errors.username}>
          <input
            id="d-new-username"
            class="d-input"
            name="username"
            value={username}
            autocomplete="off"
            aria-invalid={Boolean(errors.username)}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </Field>
        <PasswordInput
          id="d-new-password"
          label="Password"
          value={password}
          error={errors.password}
          onChange={setPassword}
        />
        <Field label="Role" id="d-new-role" error={errors.role}>
          <select
            id="d-new-role"
            class="d-input"
            name="role"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            <option value="agent">agent</option>
            <option value="admin">admin</option>
          </select>
        </Field>
      </div>
      <ErrorBanner error={Object.keys(errors).length ? null : error} />
      <div class="d-actions">
        <button type="submit" class="d-button d-button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </div>
    </form>
  );
}
