/**
 * The write audit (SPEC §8, §10): every write the privileged service made, newest first, filtered by
 * table, operation, rule, telephony call id, record and time (all kept in the URL). An entry opens
 * in place to show its fields before and after the write.
 */
import {
  AUDIT_FILTERS,
  type AuditEntry,
  type AuditFilters,
  auditQuery,
  changesOf,
  isSysId,
  listAudit,
} from './data/audit-api.ts';
import { SelectFilter, TextFilter, TimeRangeFilters } from './data/filters.tsx';
import { ago, formatTime } from './data/format.ts';
import { useQueryState } from './data/query-state.ts';
import { ErrorBanner, Pager, useSlashFocus } from './data/ui.tsx';
import { useLoad } from './data/use-load.ts';
import './data.css';
import { useRef } from 'preact/hooks';

const OPERATIONS = ['insert', 'update', 'delete'] as const;

/** Filters typed letter by letter. */
const TEXT_FILTERS: readonly string[] = ['table', 'rule', 'callId', 'sysId'];

export function AuditScreen() {
  const [filters, setQuery] = useQueryState(AUDIT_FILTERS);
  // Typed filters wait a moment before asking (one request per pause, not per key); clicks ask at once.
  const typing = useRef(false);
  const setFilters = (patch: Partial<Record<keyof AuditFilters, string | null>>) => {
    typing.current = Object.keys(patch).some((key) => TEXT_FILTERS.includes(key));
    setQuery(patch);
  };
  const query = auditQuery(filters as AuditFilters);
  const page = useLoad(
    () => listAudit(query),
    query,
    () => (typing.current ? 250 : 0),
  );
  const limit = Number(filters.limit) || 50;
  const offset = Number(filters.offset) || 0;
  const filterKeys = ['table', 'operation', 'rule', 'callId', 'sysId', 'from', 'to'] as const;
  const filtered = filterKeys.some((k) => filters[k]);
  useSlashFocus('d-audit-table');
  const set = (patch: Partial<AuditFilters>) => setFilters({ ...patch, offset: null, open: null });
  const sysIdProblem =
    filters.sysId.trim() && !isSysId(filters.sysId) ? 'a sys_id is 32 hex digits with dashes' : '';

  return (
    <section class="d-screen" aria-labelledby="d-audit-title">
      <header class="d-header">
        <h1 id="d-audit-title">Write audit</h1>
        <button type="button" class="d-button" onClick={page.reload} disabled={page.loading}>
          Refresh
        </button>
      </header>
      <search class="d-filters">
        <TextFilter
          label="Table"
          id="d-audit-table"
          name="table"
          value={filters.table}
          placeholder="incident"
          onValue={(table) => set({ table })}
        />
        <SelectFilter
          label="Operation"
          name="operation"
          value={filters.operation}
          options={OPERATIONS}
          onValue={(operation) => set({ operation })}
        />
        <TextFilter
          label="Rule"
          name="rule"
          value={filters.rule}
          placeholder="in the chain"
          onValue={(rule) => set({ rule })}
        />
        <TextFilter
          label="Call id"
          name="callId"
          value={filters.callId}
          onValue={(callId) => set({ callId })}
        />
        <label class={`d-filter${sysIdProblem ? ' d-field-invalid' : ''}`}>
          <span>sys_id</span>
          <input
            class="d-input d-input-wide"
            name="sysId"
            value={filters.sysId}
            aria-invalid={Boolean(sysIdProblem)}
            title={sysIdProblem}
            onInput={(e) => set({ sysId: e.currentTarget.value })}
          />
        </label>
        <TimeRangeFilters from={filters.from} to={filters.to} onRange={set} />
        {filtered ? (
          <button
            type="button"
            class="d-button d-button-link"
            onClick={() => set(Object.fromEntries(filterKeys.map((k) => [k, null])) as Partial<AuditFilters>)}
          >
            Clear filters
          </button>
        ) : null}
      </search>
      {sysIdProblem ? <p class="d-field-error">sys_id filter not applied: {sysIdProblem}</p> : null}
      <ErrorBanner error={page.error} onRetry={page.reload} />
      <AuditTable
        entries={page.data?.entries}
        loading={page.loading}
        filtered={filtered}
        open={filters.open}
        onToggle={(id) => setFilters({ open: filters.open === id ? null : id })}
      />
      {page.data ? (
        <Pager
          total={page.data.total}
          limit={limit}
          offset={offset}
          onChange={(o, l) =>
            setFilters({ offset: o ? String(o) : null, limit: l === 50 ? null : String(l), open: null })
          }
        />
      ) : null}
    </section>
  );
}

function AuditTable({
  entries,
  loading,
  filtered,
  open,
  onToggle,
}: {
  entries: AuditEntry[] | undefined;
  loading: boolean;
  filtered: boolean;
  open: string;
  onToggle: (id: string) => void;
}) {
  if (!entries) return <p class="d-muted">{loading ? 'Loading the audit…' : ''}</p>;
  if (entries.length === 0)
    return (
      <p class="d-empty">
        {filtered
          ? 'No write matches these filters.'
          : 'No writes yet: writes made by non-client-callable rules show here.'}
      </p>
    );
  return (
    <div class={`d-table-wrap${loading ? ' d-stale' : ''}`}>
      <table class="d-table" aria-busy={loading}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Operation</th>
            <th>Record</th>
            <th>Rule chain</th>
            <th>Call id</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const id = String(entry.id);
            const expanded = open === id;
            return [
              <tr key={id} class={expanded ? 'd-row-open' : ''} data-audit={id}>
                <td class="d-nowrap" title={ago(entry.at)}>
                  <button
                    type="button"
                    class="d-disclosure"
                    aria-expanded={expanded}
                    aria-controls={`d-audit-${id}`}
                    onClick={() => onToggle(id)}
                  >
                    <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> {formatTime(entry.at)}
                  </button>
                </td>
                <td>
                  <span class={`d-badge d-badge-${entry.operation}`}>{entry.operation}</span>
                </td>
                <td class="d-mono">
                  <a href={`/${entry.table}.do?sys_id=${entry.sysId}`} target="_blank" rel="noopener">
                    {entry.table}
                  </a>{' '}
                  <span class="d-small">{entry.sysId}</span>
                </td>
                <td class="d-mono">{entry.chain.join(' → ')}</td>
                <td class="d-mono">
                  {entry.callId ? (
                    <a
                      href={`/admin/calls?callId=${encodeURIComponent(entry.callId)}`}
                      title="Calls with this id"
                    >
                      {entry.callId}
                    </a>
                  ) : (
                    <span class="d-muted">—</span>
                  )}
                </td>
              </tr>,
              expanded ? (
                <tr key={`${id}-details`} class="d-details-row">
                  <td colSpan={5} id={`d-audit-${id}`}>
                    <Changes entry={entry} />
                  </td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

function Changes({ entry }: { entry: AuditEntry }) {
  const changes = changesOf(entry);
  if (changes.length === 0) return <p class="d-muted">No fields recorded.</p>;
  return (
    <table class="d-table d-diff" aria-label={`Fields before and after the ${entry.operation}`}>
      <thead>
        <tr>
          <th>Field</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.field} class={c.changed ? 'd-changed' : ''}>
            <th class="d-mono">{c.field}</th>
            <td class="d-mono d-before">
              {entry.before ? c.before : <span class="d-muted">(new record)</span>}
            </td>
            <td class="d-mono d-after">{entry.after ? c.after : <span class="d-muted">(deleted)</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
