/**
 * One call's whole trace (SPEC §10): parameters as logged (phones masked), rule and version, answer or
 * error, the rule's logs, the records it read and the writes made; "Replay as dry-run" hands the call
 * to the dry-run panel (/admin/dry-run?replay=<id>).
 */
import { navigate } from '../../api.ts';
import { type Call, getCall } from './calls-api.ts';
import { formatDuration, formatTime, formatValue } from './format.ts';
import { ErrorBanner, Outcome } from './ui.tsx';
import { useLoad } from './use-load.ts';

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
      {call.answer ? (
        <pre class="d-code d-answer">
          {/* A masked answer (it held the caller's phone) would open the wrong screen: text only. */}
          {call.answer.startsWith('/') && !call.answer.includes('*') ? (
            <a href={call.answer} target="_blank" rel="noopener" title="Open the popped screen in a new tab">
              {call.answer}
            </a>
          ) : (
            call.answer
          )}
        </pre>
      ) : (
        <p class="d-muted">No answer.</p>
      )}
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
