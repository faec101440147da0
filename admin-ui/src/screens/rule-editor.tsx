/**
 * Edit a rule in Monaco: JavaScript completion and hover docs for the sandbox API (the server's
 * /api/sandbox.d.ts), syntax errors marked as you type, Ctrl/Cmd+S saves a new version based on the
 * one opened. A stale save (409) says who saved what, and offers the difference, a reload, or an
 * overwrite; a script the server refuses (400) is marked at its line and column.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { Time } from '../components/time.tsx';
import { DiffView } from '../monaco/diff-view.tsx';
import { loadSandboxTypings, monaco, theme } from '../monaco/monaco.ts';
import { navigate } from '../router.tsx';
import type { Rule } from '../types.ts';

type Problem = { line: number; column: number; message: string };

const problemOf = (error: unknown): Problem | null => {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const details = error.details as Partial<Problem> | undefined;
  if (typeof details?.line !== 'number') return null;
  return { line: details.line, column: details.column ?? 1, message: details.message ?? error.message };
};

export function RuleEditorScreen({ name }: { name: string }) {
  const [base, setBase] = useState<Rule | null>(null);
  const [description, setDescription] = useState('');
  const [active, setActive] = useState(true);
  const [clientCallable, setClientCallable] = useState(true);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Rule | null>(null);
  const [showDiff, setShowDiff] = useState(false);
  const [typings, setTypings] = useState<boolean | null>(null);
  const [saving, setSaving] = useState(false);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const saveRef = useRef<() => void>(() => {});

  useEffect(() => {
    api<Rule>('GET', `/api/rules/${encodeURIComponent(name)}`).then((rule) => {
      setBase(rule);
      setDescription(rule.description);
      setActive(rule.active);
      setClientCallable(rule.clientCallable);
    }, setError);
    loadSandboxTypings().then(setTypings);
  }, [name]);

  // The editor is created once the rule is here; its model is the rule's script.
  const ready = base !== null;
  useEffect(() => {
    if (!ready || !host.current || !base) return;
    const model = monaco.editor.createModel(
      base.script,
      'javascript',
      monaco.Uri.parse(`file:///rules/${encodeURIComponent(name)}.js`),
    );
    const created = monaco.editor.create(host.current, {
      model,
      theme: theme(),
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
    });
    editor.current = created;
    created.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current());
    const listener = model.onDidChangeContent(() => {
      monaco.editor.setModelMarkers(model, 'server', []);
      setDirty(true);
      setStatus(null);
    });
    created.focus();
    return () => {
      listener.dispose();
      created.dispose();
      model.dispose();
      editor.current = null;
    };
  }, [ready]);

  // Ctrl/Cmd+S also saves from the fields around the editor; leaving with unsaved changes asks first.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
        event.preventDefault();
        saveRef.current();
      }
    };
    const onLeave = (event: BeforeUnloadEvent) => {
      if (dirty) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onLeave);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onLeave);
    };
  }, [dirty]);

  function markProblem(problem: Problem) {
    const model = editor.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, 'server', [
      {
        severity: monaco.MarkerSeverity.Error,
        message: problem.message,
        startLineNumber: problem.line,
        startColumn: problem.column,
        endLineNumber: problem.line,
        endColumn: model.getLineMaxColumn(Math.min(problem.line, model.getLineCount())),
      },
    ]);
    editor.current?.revealLineInCenter(problem.line);
  }

  async function save(onVersion?: number) {
    if (!base || !editor.current || saving) return;
    setSaving(true);
    setStatus('Saving…');
    try {
      const saved = await api<Rule>('PUT', `/api/rules/${encodeURIComponent(name)}`, {
        script: editor.current.getValue(),
        description,
        active,
        clientCallable,
        version: onVersion ?? base.version,
      });
      setBase(saved);
      setDirty(false);
      setConflict(null);
      setShowDiff(false);
      setError(null);
      setStatus(`Saved as version ${saved.version}`);
    } catch (reason) {
      setStatus(null);
      if (reason instanceof ApiError && reason.status === 409) {
        const current = (reason.details as { current?: Rule } | undefined)?.current;
        if (current) {
          setConflict(current);
          setError(null);
          return;
        }
      }
      const problem = problemOf(reason);
      if (problem) markProblem(problem);
      setError(reason);
    } finally {
      setSaving(false);
    }
  }
  saveRef.current = () => void save();

  function reloadTheirs(theirs: Rule) {
    setBase(theirs);
    setDescription(theirs.description);
    setActive(theirs.active);
    setClientCallable(theirs.clientCallable);
    editor.current?.setValue(theirs.script);
    setDirty(false);
    setConflict(null);
    setShowDiff(false);
    setStatus(`Reloaded version ${theirs.version}`);
  }

  async function remove() {
    if (!window.confirm(`Delete the rule ${name} and its whole history?`)) return;
    try {
      await api('DELETE', `/api/rules/${encodeURIComponent(name)}`);
      navigate('/admin/rules');
    } catch (reason) {
      setError(reason);
    }
  }

  if (!base) {
    return error ? (
      <ErrorBox error={error} title={`Rule ${name} could not be opened`} />
    ) : (
      <p class="muted loading">Loading {name}…</p>
    );
  }
  const field = (on: () => void) => () => {
    on();
    setDirty(true);
  };

  return (
    <section class="editor-screen">
      <p class="crumbs">
        <a href="/admin/rules">Rules</a> /
      </p>
      <div class="title-row">
        <h1>{name}</h1>
        <div class="actions">
          <a href={`/admin/rules/${encodeURIComponent(name)}/history`}>History</a>
          <a href={`/admin/dry-run?rule=${encodeURIComponent(name)}`}>Dry-run</a>
          <button type="button" class="danger" onClick={() => void remove()}>
            Delete
          </button>
          <button type="button" class="primary" disabled={saving} onClick={() => void save()}>
            Save <kbd>Ctrl+S</kbd>
          </button>
        </div>
      </div>
      <div class="meta-row">
        <input
          class="grow"
          aria-label="Description"
          placeholder="Description"
          value={description}
          onInput={(event) => {
            const value = event.currentTarget.value;
            field(() => setDescription(value))();
          }}
        />
        <label class="inline">
          <input type="checkbox" checked={active} onChange={field(() => setActive(!active))} /> Active
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={clientCallable}
            onChange={field(() => setClientCallable(!clientCallable))}
          />{' '}
          Client-callable
        </label>
      </div>
      {conflict && (
        <div class="notice warn" role="alert" data-testid="conflict">
          <strong>Not saved: someone else changed this rule.</strong>
          <p>
            {conflict.updatedBy} saved version {conflict.version} (<Time iso={conflict.updatedAt} />) after
            the version {base.version} you opened. Your text is still here.
          </p>
          <div class="actions">
            <button type="button" onClick={() => setShowDiff(!showDiff)}>
              {showDiff ? 'Hide the difference' : 'See the difference'}
            </button>
            <button type="button" onClick={() => reloadTheirs(conflict)}>
              Reload theirs (drop mine)
            </button>
            <button type="button" class="danger" onClick={() => void save(conflict.version)}>
              Save mine over theirs
            </button>
          </div>
        </div>
      )}
      {conflict && showDiff && (
        <DiffView
          original={conflict.script}
          modified={editor.current?.getValue() ?? ''}
          originalLabel={`Theirs: version ${conflict.version} by ${conflict.updatedBy}`}
          modifiedLabel="Mine (not saved)"
        />
      )}
      <ErrorBox error={error} title="Not saved" />
      <div class="code-host" ref={host} data-testid="rule-editor" />
      <footer class="status-bar">
        <span>
          version {base.version} · <Time iso={base.updatedAt} /> by {base.updatedBy}
        </span>
        <span data-testid="save-status" class={dirty ? 'dirty' : ''}>
          {status ?? (dirty ? 'Unsaved changes' : 'No changes')}
        </span>
        <span class="muted" title="completion and hover docs for GlideRecord, gs and the call's parameters">
          {typings === false ? 'sandbox typings unavailable' : typings ? 'sandbox typings loaded' : ''}
        </span>
      </footer>
    </section>
  );
}
