/** Monaco's side-by-side diff editor over two texts, read-only. */
import { useEffect, useRef } from 'preact/hooks';
import { monaco, theme } from './monaco.ts';

export function DiffView({
  original,
  modified,
  originalLabel,
  modifiedLabel,
}: {
  original: string;
  modified: string;
  originalLabel: string;
  modifiedLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const models = useRef<{ original: monaco.editor.ITextModel; modified: monaco.editor.ITextModel } | null>(
    null,
  );

  // One diff editor and one pair of models for the component's life; new texts are set into the
  // models. Replacing or disposing models while a diff is being computed makes Monaco throw
  // ("no diff result available", a disposed context key service) after the fact.
  useEffect(() => {
    if (!host.current) return;
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      // Read-only: no revert arrows or hunk menu (whose menu also throws on a disposed context
      // key service in 0.57 once a hunk changes).
      renderGutterMenu: false,
      renderMarginRevertIcon: false,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      theme: theme(),
      fontSize: 13,
    });
    const pair = {
      original: monaco.editor.createModel(original, 'javascript'),
      modified: monaco.editor.createModel(modified, 'javascript'),
    };
    editor.setModel(pair);
    models.current = pair;
    return () => {
      models.current = null;
      editor.dispose();
      pair.original.dispose();
      pair.modified.dispose();
    };
  }, []);

  useEffect(() => {
    const pair = models.current;
    if (!pair) return;
    if (pair.original.getValue() !== original) pair.original.setValue(original);
    if (pair.modified.getValue() !== modified) pair.modified.setValue(modified);
  }, [original, modified]);

  return (
    <div class="diff">
      <div class="diff-labels">
        <span>{originalLabel}</span>
        <span>{modifiedLabel}</span>
      </div>
      <div class="diff-host" ref={host} data-testid="diff-editor" />
    </div>
  );
}
