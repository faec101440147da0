/**
 * Accounts (SPEC §10): agents and admins. Create one, change its role, reset its password, disable
 * or enable it (either ends its open sessions at once), delete it after a confirm. The server keeps
 * one active admin and refuses changes to the account signed in; its message is shown as it is.
 */
import { useState } from 'preact/hooks';
import {
  type Account,
  type AccountChange,
  changeAccount,
  currentSession,
  deleteAccount,
  listAccounts,
  type Role,
} from './data/accounts-api.ts';
import { fieldErrors } from './data/errors.ts';
import { ago, formatTime } from './data/format.ts';
import { NewAccountForm } from './data/new-account-form.tsx';
import { PasswordInput } from './data/password-input.tsx';
import { ConfirmDialog, ErrorBanner } from './data/ui.tsx';
import { useAction } from './data/use-action.ts';
import { useLoad } from './data/use-load.ts';
import './data.css';

type Pending = { kind: 'reset' | 'delete'; username: string } | null;

export function AccountsScreen() {
  const list = useLoad(() => listAccounts(), 'accounts');
  const me = useLoad(() => currentSession(), 'session');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending>(null);
  const dialog = useAction();
  const [password, setPassword] = useState('');

  async function change(username: string, patch: AccountChange, done: string) {
    setError(null);
    setNotice('');
    try {
      await changeAccount(username, patch);
      setNotice(done);
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  function open(kind: 'reset' | 'delete', username: string) {
    setPending({ kind, username });
    dialog.setError(null);
    setPassword('');
  }

  async function confirm() {
    if (!pending) return;
    await dialog.run(async () => {
      if (pending.kind === 'reset') await changeAccount(pending.username, { password });
      else await deleteAccount(pending.username);
      setNotice(
        pending.kind === 'reset'
          ? `Password of ${pending.username} reset; its open sessions were ended.`
          : `Account ${pending.username} deleted.`,
      );
      setPending(null);
      list.reload();
    });
  }

  const accounts = list.data?.accounts ?? [];
  const showLogin = accounts.some((a) => a.lastLoginAt !== undefined);
  return (
    <section class="d-screen" aria-labelledby="d-accounts-title">
      <header class="d-header">
        <h1 id="d-accounts-title">Accounts</h1>
      </header>
      <NewAccountForm
        onCreated={(a) => {
          setNotice(`Account ${a.username} (${a.role}) created.`);
          list.reload();
        }}
      />
      {notice ? (
        <div class="d-banner d-banner-ok" role="status">
          {notice}
        </div>
      ) : null}
      <ErrorBanner error={error ?? list.error} />
      {list.data ? (
        <div class="d-table-wrap">
          <table class="d-table">
            <thead>
              <tr>
                <th>Username</th>
                <th>Role</th>
                <th>Status</th>
                <th>Created</th>
                {showLogin ? <th>Last login</th> : null}
                <th>
                  <span class="d-sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <AccountRow
                  key={a.username}
                  account={a}
                  self={me.data?.username === a.username}
                  showLogin={showLogin}
                  onRole={(role) =>
                    change(
                      a.username,
                      { role },
                      `${a.username} is now ${role === 'admin' ? 'an admin' : 'an agent'}.`,
                    )
                  }
                  onDisabled={(disabled) =>
                    change(
                      a.username,
                      { disabled },
                      disabled
                        ? `${a.username} disabled; its open sessions were ended.`
                        : `${a.username} enabled.`,
                    )
                  }
                  onReset={() => open('reset', a.username)}
                  onDelete={() => open('delete', a.username)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : list.loading ? (
        <p class="d-muted">Loading accounts…</p>
      ) : null}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'reset'
            ? `Reset the password of ${pending.username}`
            : `Delete ${pending?.username ?? ''}?`
        }
        confirmLabel={pending?.kind === 'reset' ? 'Reset password' : 'Delete account'}
        busy={dialog.busy}
        error={dialog.error}
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      >
        {pending?.kind === 'reset' ? (
          <>
            <p>The account's open sessions end; it signs in again with the new password.</p>
            <PasswordInput
              id="d-reset-password"
              label="New password"
              value={password}
              autoFocus
              error={fieldErrors(dialog.error).password}
              onChange={setPassword}
            />
          </>
        ) : (
          <p>
            The account <strong>{pending?.username}</strong> is removed for good, with its sessions. To keep
            its history readable and block it for now, disable it instead.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

function AccountRow({
  account: a,
  self,
  showLogin,
  onRole,
  onDisabled,
  onReset,
  onDelete,
}: {
  account: Account;
  self: boolean;
  /** Whether the server reports last logins at all: "never" would be a lie otherwise. */
  showLogin: boolean;
  onRole: (role: Role) => void;
  onDisabled: (disabled: boolean) => void;
  onReset: () => void;
  onDelete: () => void;
}) {
  return (
    <tr data-account={a.username} class={a.disabled ? 'd-disabled' : ''}>
      <td>
        <strong>{a.username}</strong>
        {self ? <span class="d-muted"> (you)</span> : null}
      </td>
      <td>
        <select
          class="d-input d-input-small"
          aria-label={`Role of ${a.username}`}
          value={a.role}
          disabled={self}
          title={self ? 'Another admin changes your role' : undefined}
          onChange={(e) => onRole(e.currentTarget.value as Role)}
        >
          <option value="agent">agent</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td>
        <span class={`d-badge ${a.disabled ? 'd-badge-error' : 'd-badge-answer'}`}>
          {a.disabled ? 'disabled' : 'active'}
        </span>
      </td>
      <td title={ago(a.createdAt)}>{formatTime(a.createdAt)}</td>
      {showLogin ? (
        <td title={ago(a.lastLoginAt)}>
          {a.lastLoginAt ? formatTime(a.lastLoginAt) : <span class="d-muted">never</span>}
        </td>
      ) : null}
      <td>
        <div class="d-row-actions">
          <button type="button" class="d-button d-button-small" onClick={onReset}>
            Reset password
          </button>
          <button
            type="button"
            class="d-button d-button-small"
            onClick={() => onDisabled(!a.disabled)}
            disabled={self}
          >
            {a.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            class="d-button d-button-small d-button-danger"
            onClick={onDelete}
            disabled={self}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
