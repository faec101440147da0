/**
 * The data dictionary (SPEC §4, §10): the business tables with their columns; add a table (optionally
 * extending another) or a column; export and import the whole dictionary as JSON.
 */
import { useState } from 'preact/hooks';
import { navigate } from '../api.ts';
import { AddColumnForm } from './data/add-column-form.tsx';
import { DictionaryTransfer } from './data/dictionary-transfer.tsx';
import { NewTableForm } from './data/new-table-form.tsx';
import { useQueryState } from './data/query-state.ts';
import { formatChoices, getTable, listTables, type TableView } from './data/tables-api.ts';
import { ErrorBanner, rowClick, rowKeys, useSlashFocus } from './data/ui.tsx';
import { useLoad } from './data/use-load.ts';
import './data.css';

const LIST_KEYS = ['q', 'new'] as const;

export function TablesScreen() {
  const [query, setQuery] = useQueryState(LIST_KEYS);
  const list = useLoad(() => listTables(), 'tables');
  const tables = list.data?.tables ?? [];
  const needle = query.q.trim().toLowerCase();
  const shown = needle
    ? tables.filter((t) => t.name.includes(needle) || t.label.toLowerCase().includes(needle))
    : tables;
  const names = tables.map((t) => t.name);
  useSlashFocus('d-tables-search');

  return (
    <section class="d-screen" aria-labelledby="d-tables-title">
      <header class="d-header">
        <h1 id="d-tables-title">Tables</h1>
        <div class="d-actions">
          <DictionaryTransfer onImported={list.reload} />
          {query.new ? null : (
            <button type="button" class="d-button d-button-primary" onClick={() => setQuery({ new: '1' })}>
              New table
            </button>
          )}
        </div>
      </header>
      {query.new ? (
        <NewTableForm
          tables={names}
          onCancel={() => setQuery({ new: null })}
          onCreated={(table) => navigate(`/admin/tables/${table.name}?created=1`)}
        />
      ) : null}
      <search class="d-filters">
        <label class="d-filter">
          <span>Search</span>
          <input
            class="d-input"
            id="d-tables-search"
            type="search"
            name="q"
            value={query.q}
            placeholder="name or label"
            onInput={(e) => setQuery({ q: e.currentTarget.value })}
          />
        </label>
        <span class="d-muted">
          {shown.length} of {tables.length} tables
        </span>
      </search>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.data ? (
        <div class="d-table-wrap">
          <table class="d-table d-table-rows">
            <thead>
              <tr>
                <th>Name</th>
                <th>Label</th>
                <th>Extends</th>
                <th>Number prefix</th>
                <th class="d-num">Columns</th>
              </tr>
            </thead>
            <tbody onKeyDown={rowKeys} onClick={rowClick}>
              {shown.map((t) => (
                <tr key={t.name} tabIndex={0} data-href={`/admin/tables/${t.name}`} data-table={t.name}>
                  <td class="d-mono">
                    <a href={`/admin/tables/${t.name}`} tabIndex={-1}>
                      {t.name}
                    </a>
                  </td>
                  <td>{t.label}</td>
                  <td class="d-mono">{t.extends ?? ''}</td>
                  <td class="d-mono">{t.numberPrefix ?? ''}</td>
                  <td class="d-num">{t.columnCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? <p class="d-empty">No table matches “{query.q}”.</p> : null}
        </div>
      ) : list.loading ? (
        <p class="d-muted">Loading tables…</p>
      ) : null}
    </section>
  );
}

export function TableScreen({ name }: { name: string }) {
  const loaded = useLoad(() => getTable(name), name);
  const others = useLoad(() => listTables(), 'tables');
  const [fresh, setFresh] = useState<{ table: TableView; column: string } | null>(null);
  // After adding a column the answer is the table as it now is; no second request needed.
  const table = fresh?.table.name === name ? fresh.table : loaded.data;
  const [query] = useQueryState(['created'] as const);

  return (
    <section class="d-screen" aria-labelledby="d-table-title">
      <header class="d-header">
        <div>
          <a href="/admin/tables" class="d-back">
            ← Tables
          </a>
          <h1 id="d-table-title">
            <span class="d-mono">{name}</span>
            {table ? <span class="d-muted"> {table.label}</span> : null}
          </h1>
        </div>
      </header>
      {query.created && table ? (
        <div class="d-banner d-banner-ok" role="status">
          Table {name} created.
        </div>
      ) : null}
      <ErrorBanner error={loaded.error} onRetry={loaded.reload} />
      {table ? (
        <>
          <dl class="d-facts">
            <dt>Extends</dt>
            <dd>
              {table.extends ? <a href={`/admin/tables/${table.extends}`}>{table.extends}</a> : 'no table'}
            </dd>
            <dt>Extended by</dt>
            <dd>
              {table.extendedBy.length
                ? table.extendedBy.map((t, i) => (
                    <span key={t}>
                      {i ? ', ' : ''}
                      <a href={`/admin/tables/${t}`}>{t}</a>
                    </span>
                  ))
                : 'no table'}
            </dd>
            <dt>Number prefix</dt>
            <dd class="d-mono">{table.numberPrefix ?? '—'}</dd>
            <dt>Display field</dt>
            <dd class="d-mono">{table.displayField}</dd>
          </dl>
          <h2>Columns ({table.columns.filter((c) => !c.system).length})</h2>
          <div class="d-table-wrap">
            <table class="d-table" aria-label={`Columns of ${name}`}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Label</th>
                  <th>Type</th>
                  <th>Refers to / choices</th>
                  <th>Declared on</th>
                </tr>
              </thead>
              <tbody>
                {table.columns.map((c) => (
                  <tr
                    key={c.name}
                    data-column={c.name}
                    class={`${c.system ? 'd-system' : ''}${fresh?.column === c.name ? ' d-new' : ''}`}
                  >
                    <td class="d-mono">{c.name}</td>
                    <td>{c.label}</td>
                    <td>
                      <span class="d-type">{c.type}</span>
                    </td>
                    <td class="d-mono">
                      {c.reference ? (
                        <a href={`/admin/tables/${c.reference}`}>{c.reference}</a>
                      ) : (
                        formatChoices(c.choices)
                      )}
                    </td>
                    <td class="d-mono">
                      {c.system ? (
                        <span class="d-muted">system</span>
                      ) : c.table === name ? (
                        name
                      ) : (
                        <a href={`/admin/tables/${c.table}`}>{c.table}</a>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <AddColumnForm
            table={name}
            tables={(others.data?.tables ?? []).map((t) => t.name)}
            onAdded={(updated, column) => setFresh({ table: updated, column })}
          />
        </>
      ) : loaded.loading ? (
        <p class="d-muted">Loading {name}…</p>
      ) : null}
    </section>
  );
}
