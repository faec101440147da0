/**
 * The call log (SPEC §5, §10): every call to /cti.do, newest first, filtered by rule, outcome, the
 * telephony call id and a time range (all kept in the URL); a call opens its whole trace.
 */
import './data.css';
import { useRef } from 'preact/hooks';
import {
  CALL_FILTERS,
  CALL_QUERY,
  type Call,
  type CallFilters,
  callerOf,
  callsQuery,
  listCalls,
  OUTCOMES,
} from './data/calls-api.ts';
import { SelectFilter, TextFilter, TimeRangeFilters } from './data/filters.tsx';
import { ago, formatDuration, formatTime } from './data/format.ts';
import { useQueryState } from './data/query-state.ts';
import { ErrorBanner, Outcome, Pager, rowClick, rowKeys, useEvery, useSlashFocus } from './data/ui.tsx';
import { useLoad } from './data/use-load.ts';

export { CallTraceScreen } from './data/call-trace.tsx';

/** Filters typed letter by letter. */
const TEXT_FILTERS: readonly string[] = ['rule', 'callId'];

export function CallsScreen() {
  const [filters, setQuery] = useQueryState(CALL_QUERY);
  // Typed filters wait a moment before asking (one request per pause, not per key); clicks ask at once.
  const typing = useRef(false);
  const setFilters = (patch: Partial<Record<keyof CallFilters, string | null>>) => {
    typing.current = Object.keys(patch).some((key) => TEXT_FILTERS.includes(key));
    setQuery(patch);
  };
  const query = callsQuery(filters);
  const page = useLoad(
    () => listCalls(query),
    query,
    () => (typing.current ? 250 : 0),
  );
  const limit = Number(filters.limit) || 50;
  const offset = Number(filters.offset) || 0;
  const filtered = CALL_FILTERS.some((k) => k !== 'limit' && k !== 'offset' && filters[k]);
  const live = filters.live === '1';
  // Live: the newest page follows new calls every few seconds; older pages stay still.
  useEvery(5000, live && offset === 0, page.reload);
  useSlashFocus('d-calls-rule');
  // Any change of filter starts again at the newest call.
  const set = (patch: Partial<CallFilters>) => setFilters({ ...patch, offset: null });

  return (
    <section class="d-screen" aria-labelledby="d-calls-title">
      <header class="d-header">
        <h1 id="d-calls-title">Call log</h1>
        <div class="d-actions">
          <label class="d-inline" title="Reload the newest calls every 5 seconds">
            <input
              type="checkbox"
              name="live"
              checked={live}
              onChange={(e) => setFilters({ live: e.currentTarget.checked ? '1' : null })}
            />
            Live
          </label>
          <button type="button" class="d-button" onClick={page.reload} disabled={page.loading}>
            Refresh
          </button>
        </div>
      </header>
      <search class="d-filters">
        <TextFilter
          label="Rule"
          id="d-calls-rule"
          name="rule"
          value={filters.rule}
          placeholder="CTIProcessing"
          onValue={(rule) => set({ rule })}
        />
        <SelectFilter
          label="Outcome"
          name="outcome"
          value={filters.outcome}
          options={OUTCOMES}
          show={(o) => o.replace('_', ' ')}
          onValue={(outcome) => set({ outcome })}
        />
        <TextFilter
          label="Call id"
          name="callId"
          value={filters.callId}
          placeholder="sysparm_call_id"
          onValue={(callId) => set({ callId })}
        />
        <TimeRangeFilters from={filters.from} to={filters.to} onRange={set} />
        {filtered ? (
          <button
            type="button"
            class="d-button d-button-link"
            onClick={() =>
              setFilters({ rule: null, outcome: null, callId: null, from: null, to: null, offset: null })
            }
          >
            Clear filters
          </button>
        ) : null}
      </search>
      <ErrorBanner error={page.error} onRetry={page.reload} />
      <CallTable calls={page.data?.calls} loading={page.loading} filtered={filtered} />
      {page.data ? (
        <Pager
          total={page.data.total}
          limit={limit}
          offset={offset}
          onChange={(o, l) =>
            setFilters({ offset: o ? String(o) : null, limit: l === 50 ? null : String(l) })
          }
        />
      ) : null}
    </section>
  );
}

function CallTable({
  calls,
  loading,
  filtered,
}: {
  calls: Call[] | undefined;
  loading: boolean;
  filtered: boolean;
}) {
  if (!calls) return <p class="d-muted">{loading ? 'Loading calls…' : ''}</p>;
  if (calls.length === 0)
    return (
      <p class="d-empty">
        {filtered ? 'No call matches these filters.' : 'No calls yet: calls to /cti.do show here.'}
      </p>
    );
  return (
    <div class={`d-table-wrap${loading ? ' d-stale' : ''}`}>
      <table class="d-table d-table-rows" aria-busy={loading}>
        <thead>
          <tr>
            <th>Time</th>
            <th>Rule</th>
            <th>Outcome</th>
            <th>Caller</th>
            <th>Answer or error</th>
            <th class="d-num">Duration</th>
          </tr>
        </thead>
        <tbody onKeyDown={rowKeys} onClick={rowClick}>
          {calls.map((call) => (
            <tr key={call.id} tabIndex={0} data-href={`/admin/calls/${call.id}`} data-call={call.id}>
              <td class="d-nowrap" title={ago(call.at)}>
                <a href={`/admin/calls/${call.id}`} tabIndex={-1}>
                  {formatTime(call.at)}
                </a>
              </td>
              <td>
                {call.rule}
                {call.ruleVersion ? <span class="d-muted"> v{call.ruleVersion}</span> : null}
              </td>
              <td>
                <Outcome outcome={call.outcome} />
              </td>
              <td class="d-mono">{callerOf(call.params)}</td>
              <td class="d-mono d-clip" title={call.error ? call.error.message : (call.answer ?? '')}>
                {call.error ? (
                  <span class="d-error-text">
                    {call.error.code}: {call.error.message}
                  </span>
                ) : (
                  call.answer
                )}
              </td>
              <td class="d-num">{formatDuration(call.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
