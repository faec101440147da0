/** Monaco's side-by-side diff editor over two texts, read-only; its models are disposed when replaced. */
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
  const editor = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);

  // One diff editor for the component's life: disposing one and creating another while its
  // diff is still being computed leaves Monaco reporting a disposed context key service.
  useEffect(() => {
    if (!host.current) return;
    const created = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      theme: theme(),
      fontSize: 13,
    });
    editor.current = created;
    return () => {
      const models = created.getModel();
      created.dispose();
      models?.original.dispose();
      models?.modified.dispose();
      editor.current = null;
    };
  }, []);

  // New texts get new models; the old ones are disposed only once the editor has let go of them.
  useEffect(() => {
    const current = editor.current;
    if (!current) return;
    const previous = current.getModel();
    current.setModel({
      original: monaco.editor.createModel(original, 'javascript'),
      modified: monaco.editor.createModel(modified, 'javascript'),
    });
    previous?.original.dispose();
    previous?.modified.dispose();
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
