/** Small pieces every data screen uses: error banner, pager, confirm dialog, field wrapper, row keys. */
import type { ComponentChildren, TargetedKeyboardEvent, TargetedMouseEvent } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { navigate } from '../../api.ts';
import { errorMessage, errorStatus } from './errors.ts';

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const status = errorStatus(error);
  return (
    <div class="d-banner d-banner-error" role="alert">
      <span>
        {status ? <strong>{status}: </strong> : null}
        {errorMessage(error)}
      </span>
      {onRetry ? (
        <button type="button" class="d-button d-button-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Pager({
  total,
  limit,
  offset,
  onChange,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number, limit: number) => void;
}) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="d-pager" aria-label="Pages">
      <span class="d-muted" aria-live="polite">
        {first}–{last} of {total}
      </span>
      <button
        type="button"
        class="d-button d-button-small"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit), limit)}
      >
        ← Newer
      </button>
      <button
        type="button"
        class="d-button d-button-small"
        disabled={offset + limit >= total}
        onClick={() => onChange(offset + limit, limit)}
      >
        Older →
      </button>
      <label class="d-inline">
        <span class="d-muted">per page</span>
        <select
          class="d-input d-input-small"
          value={String(limit)}
          onChange={(e) => onChange(0, Number(e.currentTarget.value))}
        >
          {[25, 50, 100, 200].map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}

/** A modal confirm on the native <dialog>: Escape cancels, focus starts on Cancel for a destructive act. */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="d-dialog" aria-label={title} onClose={onCancel}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 class="d-dialog-title">{title}</h2>
        <div class="d-dialog-body">{children}</div>
        <ErrorBanner error={error} />
        <div class="d-actions">
          <button type="button" class="d-button" autofocus onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="d-button d-button-danger" disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A labelled form field with its validation message beneath, tied by aria-describedby. */
export function Field({
  label,
  error,
  id,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  id: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`d-field${error ? ' d-field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && !error ? <small class="d-muted">{hint}</small> : null}
      {error ? (
        <small class="d-field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/**
 * Arrow keys (or j/k) move between the rows of a list, Enter opens the focused one: rows carry
 * `data-href` and tabindex 0, so the keyboard reaches everything the mouse does.
 */
export function rowKeys(event: TargetedKeyboardEvent<HTMLElement>): void {
  const row = (event.target as HTMLElement).closest('tr');
  if (!row || event.target !== row) return;
  const key = event.key;
  if (key === 'Enter' && row.dataset.href) {
    event.preventDefault();
    navigate(row.dataset.href);
    return;
  }
  const next =
    key === 'ArrowDown' || key === 'j'
      ? row.nextElementSibling
      : key === 'ArrowUp' || key === 'k'
        ? row.previousElementSibling
        : null;
  if (next instanceof HTMLElement) {
    event.preventDefault();
    next.focus();
  }
}

/** Opens a row's link on click, unless the click was on a control inside it or meant a new tab. */
export function rowClick(event: TargetedMouseEvent<HTMLElement>): void {
  const target = event.target as HTMLElement;
  if (target.closest('a, button, input, select, textarea')) return;
  const row = target.closest('tr');
  if (!row?.dataset.href || event.ctrlKey || event.metaKey || event.shiftKey) return;
  navigate(row.dataset.href);
}

export function Outcome({ outcome }: { outcome: string }) {
  return (
    <span class={`d-badge d-badge-${outcome.replace(/[^a-z_]/g, '')}`}>{outcome.replace('_', ' ')}</span>
  );
}

/** `/` focuses the screen's first filter, as in most list UIs; ignored while typing in a field. */
export function useSlashFocus(id: string): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"], dialog')) return;
      const field = document.getElementById(id);
      if (!field) return;
      event.preventDefault();
      field.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [id]);
}

/** Calls `tick` every `ms` while `on` and the tab is visible (a live view that costs nothing in the background). */
export function useEvery(ms: number, on: boolean, tick: () => void): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => {
      if (!document.hidden) latest.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, on]);
}
