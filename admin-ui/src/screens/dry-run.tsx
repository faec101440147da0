/**
 * Dry-run a rule for a call: parameters as rows, or a whole `cti.do?…` URL pasted to fill them;
 * out come the answer (a link), the outcome, the `gs` logs, the records read, the writes the
 * privileged service would make (rolled back) and the time. `?rule=` preselects a rule and
 * `?replay=<callId>` fills everything from a logged call. Ctrl/Cmd+Enter runs.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import type { CallRecord, DryRunResult, Rule } from '../types.ts';

type Row = { key: string; value: string };

const blank = (): Row => ({ key: '', value: '' });
const DEFAULT_ROWS = ['sysparm_caller_phone', 'sysparm_caller_name'];

/** The parameters of a pasted `cti.do?…` URL (or of a bare query string), in order. */
export function rowsFromUrl(text: string): Row[] {
  const trimmed = text.trim();
  const query = trimmed.includes('?') ? trimmed.slice(trimmed.indexOf('?') + 1) : trimmed;
  return [...new URLSearchParams(query.split('#')[0])].map(([key, value]) => ({ key, value }));
}

export function DryRunScreen() {
  const initial = new URLSearchParams(window.location.search);
  const [rule, setRule] = useState(initial.get('rule') ?? '');
  const [rows, setRows] = useState<Row[]>(() => [...DEFAULT_ROWS.map((key) => ({ key, value: '' }))]);
  const [pasted, setPasted] = useState('');
  const [rules, setRules] = useState<Rule[]>([]);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    api<{ rules: Rule[] }>('GET', '/api/rules').then((answer) => setRules(answer.rules), setError);
    const replay = initial.get('replay');
    if (replay) {
      api<CallRecord>('GET', `/api/calls/${encodeURIComponent(replay)}`).then((call) => {
        setRule(call.rule);
        setRows(Object.entries(call.params).map(([key, value]) => ({ key, value })));
        setNote(
          `Filled from call ${call.id}. Phone numbers in the call log are masked, so fill them in again.`,
        );
      }, setError);
    }
  }, []);

  function fillFromUrl(text: string) {
    const found = rowsFromUrl(text);
    if (found.length === 0) {
      setNote('That URL has no parameters.');
      return;
    }
    const named = found.find((row) => row.key.toLowerCase() === 'sysparm_cti_rule');
    if (named) setRule(named.value);
    setRows(found.filter((row) => row !== named));
    setNote(`Filled ${found.length} parameter${found.length === 1 ? '' : 's'} from the URL.`);
    setPasted('');
  }

  async function run(event?: Event) {
    event?.preventDefault();
    setRunning(true);
    setError(null);
    try {
      const params: Record<string, string> = {};
      for (const row of rows) if (row.key.trim()) params[row.key.trim()] = row.value;
      const answer = await api<DryRunResult>('POST', '/api/dry-run', {
        ...(rule.trim() ? { rule: rule.trim() } : {}),
        params,
      });
      setResult(answer);
    } catch (reason) {
      setResult(null);
      setError(reason);
    } finally {
      setRunning(false);
    }
  }

  const update = (index: number, change: Partial<Row>) =>
    setRows((list) => list.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <section class="dry-run">
      <h1>Dry-run</h1>
      <p class="muted">
        Run a rule for a made-up call. Writes are made in a transaction and rolled back; nothing goes to the
        call log.
      </p>
      <form
        class="stack"
        onSubmit={(event) => void run(event)}
        onKeyDown={(event) => {
          if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') void run(event);
        }}
      >
        <label>
          Rule
          <input
            name="rule"
            list="rule-names"
            placeholder="CTIProcessing (the default rule)"
            value={rule}
            onInput={(event) => setRule(event.currentTarget.value)}
          />
          <datalist id="rule-names">
            {rules
              .filter((r) => r.clientCallable)
              .map((r) => (
                <option key={r.name} value={r.name} />
              ))}
          </datalist>
        </label>
        <label>
          Paste a call URL
          <span class="row">
            <input
              name="url"
              class="grow"
              placeholder="https://…/cti.do?sysparm_caller_phone=…&sysparm_caller_name=…"
              value={pasted}
              onInput={(event) => setPasted(event.currentTarget.value)}
              onPaste={(event) => {
                const text = event.clipboardData?.getData('text') ?? '';
                if (text.includes('=')) {
                  event.preventDefault();
                  fillFromUrl(text);
                }
              }}
            />
            <button type="button" onClick={() => fillFromUrl(pasted)} disabled={!pasted.trim()}>
              Fill
            </button>
          </span>
        </label>
        {note && <p class="muted small">{note}</p>}
        <fieldset>
          <legend>Parameters</legend>
          <table class="params">
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  <td>
                    <input
                      aria-label={`parameter ${index + 1} name`}
                      placeholder="sysparm_…"
                      value={row.key}
                      onInput={(event) => update(index, { key: event.currentTarget.value })}
                    />
                  </td>
                  <td class="grow">
                    <input
                      aria-label={`parameter ${index + 1} value`}
                      placeholder="value"
                      value={row.value}
                      onInput={(event) => update(index, { value: event.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      aria-label={`remove parameter ${index + 1}`}
                      onClick={() => setRows((list) => list.filter((_, i) => i !== index))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => setRows((list) => [...list, blank()])}>
            Add a parameter
          </button>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={running}>
            {running ? 'Running…' : 'Run'} <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
      </form>
      <ErrorBox error={error} title="The dry-run was refused" />
      {result && <DryRunOutput result={result} />}
    </section>
  );
}

function DryRunOutput({ result }: { result: DryRunResult }) {
  return (
    <div class="result" data-testid="dry-run-result">
      <h2>
        Result <span class={`badge ${result.outcome === 'answer' ? 'on' : 'off'}`}>{result.outcome}</span>{' '}
        <span class="muted small">
          {result.rule} · {result.durationMs} ms
        </span>
      </h2>
      <dl class="facts">
        <dt>Answer</dt>
        <dd data-testid="dry-run-answer">
          {result.answer ? (
            <a href={result.answer} target="_blank" rel="noopener noreferrer">
              {result.answer}
            </a>
          ) : (
            <span class="muted">none</span>
          )}
        </dd>
        {result.error && (
          <>
            <dt>Error</dt>
            <dd class="error-text">
              <code>{result.error.code}</code> {result.error.message}
            </dd>
          </>
        )}
      </dl>
      <h3>Logs ({result.logs.length})</h3>
      {result.logs.length === 0 ? (
        <p class="muted">No gs logs.</p>
      ) : (
        <ol class="logs">
          {result.logs.map((log, i) => (
            <li key={i} class={`log ${log.level}`}>
              <span class="level">{log.level}</span> {log.message}
            </li>
          ))}
        </ol>
      )}
      <h3>Records read ({result.reads.length})</h3>
      {result.reads.length === 0 ? (
        <p class="muted">No queries.</p>
      ) : (
        <table class="list compact">
          <thead>
            <tr>
              <th>Table</th>
              <th>Query</th>
              <th>Rows</th>
            </tr>
          </thead>
          <tbody>
            {result.reads.map((read, i) => (
              <tr key={i}>
                <td>{read.table}</td>
                <td>
                  <code>{read.query || '(all)'}</code>
                </td>
                <td>{read.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Writes that would be made ({result.writes.length})</h3>
      {result.writes.length === 0 ? (
        <p class="muted">No writes.</p>
      ) : (
        <table class="list compact">
          <thead>
            <tr>
              <th>Operation</th>
              <th>Table</th>
              <th>Record</th>
              <th>Fields</th>
            </tr>
          </thead>
          <tbody>
            {result.writes.map((write, i) => (
              <tr key={i}>
                <td>{write.operation}</td>
                <td>{write.table}</td>
                <td>
                  <code>{write.sysId ?? 'new'}</code>
                </td>
                <td>
                  <pre class="fields">{JSON.stringify(write.fields, null, 2)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
