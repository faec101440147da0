/**
 * API tokens for telephony clients (SPEC §3, §10): issue one (its secret shown this once, with a copy
 * button; only its hash is kept), list them, revoke one after a confirm (the next request with it
 * gets 401).
 */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { fieldErrors } from './data/errors.ts';
import { ago, formatTime } from './data/format.ts';
import { ConfirmDialog, ErrorBanner, Field } from './data/ui.tsx';
import { useAction } from './data/use-action.ts';
import { useLoad } from './data/use-load.ts';
import './data.css';

type Token = { id: string; name: string; createdAt: string; createdBy: string; revokedAt: string | null };
type Issued = { id: string; name: string; token: string };

export function TokensScreen() {
  const list = useLoad(() => api<{ tokens: Token[] }>('GET', '/api/tokens'), 'tokens');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const revocation = useAction();
  const [notice, setNotice] = useState('');

  async function revoke() {
    if (!revoking) return;
    await revocation.run(async () => {
      await api('DELETE', `/api/tokens/${encodeURIComponent(revoking.id)}`);
      setNotice(`Token ${revoking.name} revoked: requests with it now get 401.`);
      if (issued?.id === revoking.id) setIssued(null);
      setRevoking(null);
      list.reload();
    });
  }

  const tokens = list.data?.tokens ?? [];
  const active = tokens.filter((t) => !t.revokedAt);
  const revoked = tokens.filter((t) => t.revokedAt);
  return (
    <section class="d-screen" aria-labelledby="d-tokens-title">
      <header class="d-header">
        <h1 id="d-tokens-title">API tokens</h1>
      </header>
      <p class="d-muted">
        A telephony client or middleware calls <code>/cti.do</code> with{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>. Give each client its own token, so one can be
        revoked without the others.
      </p>
      <IssueForm
        onIssued={(t) => {
          setIssued(t);
          setNotice('');
          list.reload();
        }}
      />
      {issued ? <IssuedToken token={issued} onDone={() => setIssued(null)} /> : null}
      {notice ? (
        <div class="d-banner d-banner-ok" role="status">
          {notice}
        </div>
      ) : null}
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.data ? (
        <div class="d-table-wrap">
          <table class="d-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Issued</th>
                <th>By</th>
                <th>Status</th>
                <th>
                  <span class="d-sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...active, ...revoked].map((t) => (
                <tr key={t.id} data-token={t.id} class={t.revokedAt ? 'd-disabled' : ''}>
                  <td>
                    <strong>{t.name}</strong>
                  </td>
                  <td title={ago(t.createdAt)}>{formatTime(t.createdAt)}</td>
                  <td>{t.createdBy}</td>
                  <td>
                    {t.revokedAt ? (
                      <span class="d-badge d-badge-error" title={formatTime(t.revokedAt)}>
                        revoked {ago(t.revokedAt)}
                      </span>
                    ) : (
                      <span class="d-badge d-badge-answer">active</span>
                    )}
                  </td>
                  <td class="d-row-actions-cell">
                    {t.revokedAt ? null : (
                      <button
                        type="button"
                        class="d-button d-button-small d-button-danger"
                        onClick={() => {
                          revocation.setError(null);
                          setRevoking(t);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tokens.length === 0 ? <p class="d-empty">No tokens yet.</p> : null}
        </div>
      ) : list.loading ? (
        <p class="d-muted">Loading tokens…</p>
      ) : null}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke token"
        busy={revocation.busy}
        error={revocation.error}
        onCancel={() => setRevoking(null)}
        onConfirm={revoke}
      >
        <p>
          Every client using <strong>{revoking?.name}</strong> gets 401 from its next request. This cannot be
          undone: a client that still needs access needs a new token.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function IssueForm({ onIssued }: { onIssued: (token: Issued) => void }) {
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const errors = fieldErrors(error);

  async function submit(event: Event) {
    event.preventDefault();
    await run(async () => {
      const token = await api<Issued>('POST', '/api/tokens', { name: name.trim() });
      setName('');
      onIssued(token);
    });
  }

  return (
    <form class="d-panel d-row" aria-label="Issue a token" onSubmit={submit} noValidate>
      <Field
        label="Client name"
        id="d-token-name"
        error={errors.name}
        hint="which client uses it, e.g. softphone-eu"
      >
        <input
          id="d-token-name"
          class="d-input"
          name="token-name"
          value={name}
          autocomplete="off"
          aria-invalid={Boolean(errors.name)}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
      <div class="d-actions d-actions-end">
        <button type="submit" class="d-button d-button-primary" disabled={busy}>
          {busy ? 'Issuing…' : 'Issue token'}
        </button>
      </div>
      {errors.name ? null : <ErrorBanner error={error} />}
    </form>
  );
}

/** The secret, this once: only its hash is stored, so leaving this page loses it for good. */
function IssuedToken({ token, onDone }: { token: Issued; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | ''>('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied('yes');
    } catch {
      // No clipboard permission (plain http on another host): select the text so Ctrl+C works.
      const field = document.getElementById('d-issued-secret') as HTMLInputElement | null;
      field?.select();
      setCopied('failed');
    }
  }
  return (
    <div class="d-secret" role="alert" aria-labelledby="d-secret-title">
      <h2 id="d-secret-title">Token {token.name} issued</h2>
      <p class="d-warning">
        Copy it now: it is shown <strong>only this once</strong> and cannot be shown again. If it is lost,
        revoke it and issue a new one.
      </p>
      <div class="d-input-group">
        <input
          id="d-issued-secret"
          class="d-input d-mono d-input-wide"
          readOnly
          value={token.token}
          aria-label="The new token"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="d-button d-button-primary" onClick={copy}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' ? (
        <p class="d-muted">The browser refused the clipboard: the token is selected, press Ctrl+C.</p>
      ) : null}
      <p class="d-muted">
        Use it as <code>Authorization: Bearer {token.token.slice(0, 6)}…</code>
      </p>
      <button type="button" class="d-button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
