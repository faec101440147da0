/**
 * The call log (SPEC §5, §10): every call to /cti.do, newest first, filtered by rule, outcome, the
 * telephony call id and a time range (all kept in the URL); a call opens its whole trace.
 */
import { navigate } from '../api.ts';
import {
  CALL_FILTERS,
  type Call,
  type CallFilters,
  callerOf,
  callsQuery,
  getCall,
  listCalls,
  OUTCOMES,
} from './data/calls-api.ts';
import { ago, formatDuration, formatTime, formatValue, isoToLocal, localToIso } from './data/format.ts';
import { useQueryState } from './data/query-state.ts';
import { ErrorBanner, Outcome, Pager, rowClick, rowKeys } from './data/ui.tsx';
import { useLoad } from './data/use-load.ts';
import './data.css';

export function CallsScreen() {
  const [filters, setFilters] = useQueryState(CALL_FILTERS);
  const query = callsQuery(filters as CallFilters);
  const page = useLoad(() => listCalls(query), query, 200);
  const limit = Number(filters.limit) || 50;
  const offset = Number(filters.offset) || 0;
  const filtered = CALL_FILTERS.some((k) => k !== 'limit' && k !== 'offset' && filters[k]);
  // Any change of filter starts again at the newest call.
  const set = (patch: Partial<CallFilters>) => setFilters({ ...patch, offset: null });

  return (
    <section class="d-screen" aria-labelledby="d-calls-title">
      <header class="d-header">
        <h1 id="d-calls-title">Call log</h1>
        <button type="button" class="d-button" onClick={page.reload} disabled={page.loading}>
          Refresh
        </button>
      </header>
      <search class="d-filters">
        <label class="d-filter">
          <span>Rule</span>
          <input
            class="d-input"
            name="rule"
            value={filters.rule}
            placeholder="CTIProcessing"
            onInput={(e) => set({ rule: e.currentTarget.value })}
          />
        </label>
        <label class="d-filter">
          <span>Outcome</span>
          <select
            class="d-input"
            name="outcome"
            value={filters.outcome}
            onChange={(e) => set({ outcome: e.currentTarget.value })}
          >
            <option value="">any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label class="d-filter">
          <span>Call id</span>
          <input
            class="d-input"
            name="callId"
            value={filters.callId}
            placeholder="sysparm_call_id"
            onInput={(e) => set({ callId: e.currentTarget.value })}
          />
        </label>
        <label class="d-filter">
          <span>From</span>
          <input
            class="d-input"
            type="datetime-local"
            name="from"
            value={isoToLocal(filters.from)}
            onChange={(e) => set({ from: localToIso(e.currentTarget.value) })}
          />
        </label>
        <label class="d-filter">
          <span>To</span>
          <input
            class="d-input"
            type="datetime-local"
            name="to"
            value={isoToLocal(filters.to)}
            onChange={(e) => set({ to: localToIso(e.currentTarget.value) })}
          />
        </label>
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

export function CallTraceScreen({ id }: { id: string }) {
  const call = useLoad(() => getCall(id), id);
  const data = call.data;
  return (
    <section class="d-screen" aria-labelledby="d-trace-title">
      <header class="d-header">
        <div>
          <a href="/admin/calls" class="d-back">
            ← Call log
          </a>
          <h1 id="d-trace-title">Call {data ? formatTime(data.at) : ''}</h1>
        </div>
        {data ? (
          <button
            type="button"
            class="d-button d-button-primary"
            onClick={() => navigate(`/admin/dry-run?replay=${encodeURIComponent(data.id)}`)}
          >
            Replay as dry-run
          </button>
        ) : null}
      </header>
      <ErrorBanner error={call.error} onRetry={call.reload} />
      {!data && call.loading ? <p class="d-muted">Loading the call…</p> : null}
      {data ? <Trace call={data} /> : null}
    </section>
  );
}

function Trace({ call }: { call: Call }) {
  const params = Object.entries(call.params);
  return (
    <div class="d-trace">
      <dl class="d-facts">
        <dt>Outcome</dt>
        <dd>
          <Outcome outcome={call.outcome} />
        </dd>
        <dt>Rule</dt>
        <dd>
          <a href={`/admin/rules/${encodeURIComponent(call.rule)}`}>{call.rule}</a>
          {call.ruleVersion ? <span class="d-muted"> version {call.ruleVersion}</span> : null}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDuration(call.durationMs)}</dd>
        <dt>By</dt>
        <dd>{call.actor ?? <span class="d-muted">unknown</span>}</dd>
        <dt>Call id</dt>
        <dd class="d-mono">
          {call.callId ? (
            <>
              {call.callId}{' '}
              <a href={`/admin/audit?callId=${encodeURIComponent(call.callId)}`} class="d-small">
                writes in the audit
              </a>
            </>
          ) : (
            <span class="d-muted">none sent</span>
          )}
        </dd>
        <dt>Log id</dt>
        <dd class="d-mono d-small">{call.id}</dd>
      </dl>

      <h2>Answer</h2>
      {call.answer ? <pre class="d-code d-answer">{call.answer}</pre> : <p class="d-muted">No answer.</p>}
      {call.error ? (
        <div class="d-banner d-banner-error">
          <strong>{call.error.code}</strong> {call.error.message}
        </div>
      ) : null}

      <h2>Parameters ({params.length})</h2>
      {params.length ? (
        <table class="d-table d-kv">
          <tbody>
            {params.map(([name, value]) => (
              <tr key={name}>
                <th class="d-mono">{name}</th>
                <td class="d-mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="d-muted">The call had no parameters.</p>
      )}

      <h2>Logs ({call.logs.length})</h2>
      {call.logs.length ? (
        <ol class="d-logs">
          {call.logs.map((log, i) => (
            <li key={i} class={`d-log d-log-${log.level}`}>
              <span class="d-log-level">{log.level}</span>
              <span class="d-mono">{log.message}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p class="d-muted">The rule logged nothing.</p>
      )}

      <h2>Records read ({call.reads.length})</h2>
      {call.reads.length ? (
        <table class="d-table">
          <thead>
            <tr>
              <th>Table</th>
              <th>Query</th>
              <th class="d-num">Rows</th>
            </tr>
          </thead>
          <tbody>
            {call.reads.map((read, i) => (
              <tr key={i}>
                <td class="d-mono">{read.table}</td>
                <td class="d-mono">{read.query || <span class="d-muted">(all)</span>}</td>
                <td class="d-num">{read.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="d-muted">No records read.</p>
      )}

      <h2>Writes ({call.writes.length})</h2>
      {call.writes.length ? (
        <table class="d-table">
          <thead>
            <tr>
              <th>Operation</th>
              <th>Table</th>
              <th>sys_id</th>
              <th>Fields</th>
            </tr>
          </thead>
          <tbody>
            {call.writes.map((write, i) => (
              <tr key={i}>
                <td>
                  <span class={`d-badge d-badge-${write.operation}`}>{write.operation}</span>
                </td>
                <td class="d-mono">{write.table}</td>
                <td class="d-mono d-small">{write.sysId}</td>
                <td class="d-mono d-small">
                  {Object.entries(write.fields)
                    .map(([k, v]) => `${k}=${formatValue(v)}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="d-muted">No writes.</p>
      )}
    </div>
  );
}
