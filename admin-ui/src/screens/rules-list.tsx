/**
 * Rules: search as you type, toggle active and client-callable in place (PATCH), see who changed
 * each last, open one to edit. `/` focuses the search box.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Time } from '../components/time.tsx';
import { navigate } from '../router.tsx';
import type { Rule } from '../types.ts';

type Flag = 'active' | 'clientCallable';

export function RulesScreen() {
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [search, setSearch] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      const query = search.trim() ? `?search=${encodeURIComponent(search.trim())}` : '';
      api<{ rules: Rule[] }>('GET', `/api/rules${query}`).then(
        (answer) => {
          if (!live) return;
          setRules(answer.rules);
          setError(null);
        },
        (reason: unknown) => live && setError(reason),
      );
      const url = search.trim() ? `/admin/rules?q=${encodeURIComponent(search.trim())}` : '/admin/rules';
      window.history.replaceState(null, '', url);
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || target?.closest('input, textarea, select, [contenteditable]')) return;
      event.preventDefault();
      searchBox.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  async function toggle(rule: Rule, flag: Flag) {
    setBusy(`${rule.name}:${flag}`);
    try {
      const saved = await api<Rule>('PATCH', `/api/rules/${encodeURIComponent(rule.name)}`, {
        [flag]: !rule[flag],
      });
      setRules((list) => list?.map((r) => (r.name === saved.name ? saved : r)) ?? null);
      setError(null);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="rules">
      <div class="title-row">
        <h1>Rules</h1>
        <a class="button primary" href="/admin/rules/new">
          New rule
        </a>
      </div>
      <div class="toolbar">
        <input
          ref={searchBox}
          type="search"
          class="search"
          placeholder="Search rules by name or description  ( / )"
          aria-label="Search rules"
          value={search}
          onInput={(event) => setSearch(event.currentTarget.value)}
        />
        {rules && (
          <span class="muted">
            {rules.length} rule{rules.length === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      {rules === null ? (
        <p class="muted loading">Loading rules…</p>
      ) : rules.length === 0 ? (
        <p class="empty">
          No rule matches {search ? <q>{search}</q> : 'yet'}. <a href="/admin/rules/new">Create one</a>
        </p>
      ) : (
        <table class="list" data-ready="true">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th class="center">Active</th>
              <th class="center">Client-callable</th>
              <th>Version</th>
              <th>Last change</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.name} data-rule={rule.name}>
                <td>
                  <a class="rule-name" href={`/admin/rules/${encodeURIComponent(rule.name)}`}>
                    {rule.name}
                  </a>
                  {rule.description && <div class="muted small">{rule.description}</div>}
                </td>
                <td>
                  <Status rule={rule} />
                </td>
                {(['active', 'clientCallable'] as const).map((flag) => (
                  <td class="center" key={flag}>
                    <input
                      type="checkbox"
                      class="switch"
                      aria-label={`${flag === 'active' ? 'Active' : 'Client-callable'}: ${rule.name}`}
                      checked={rule[flag]}
                      disabled={busy === `${rule.name}:${flag}`}
                      onChange={() => void toggle(rule, flag)}
                    />
                  </td>
                ))}
                <td>
                  <a href={`/admin/rules/${encodeURIComponent(rule.name)}/history`} title="Version history">
                    v{rule.version}
                  </a>
                </td>
                <td>
                  <Time iso={rule.updatedAt} /> <span class="muted">by {rule.updatedBy}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted small hint">
        Tip: press <kbd>/</kbd> to search, open a rule and press <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>S</kbd> to
        save.{' '}
        <button type="button" class="link" onClick={() => navigate('/admin/dry-run')}>
          Try a call
        </button>
      </p>
    </section>
  );
}

function Status({ rule }: { rule: Rule }) {
  if (!rule.active) return <span class="badge off">inactive</span>;
  if (rule.clientCallable) return <span class="badge on">serves calls</span>;
  return (
    <span class="badge fn" title="runs only when another rule calls it">
      function
    </span>
  );
}
