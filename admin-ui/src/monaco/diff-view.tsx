/** Monaco's side-by-side diff editor over two texts, read-only; models are disposed on unmount. */
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
  useEffect(() => {
    if (!host.current) return;
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      originalEditable: false,
      renderSideBySide: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      theme: theme(),
      fontSize: 13,
    });
    const left = monaco.editor.createModel(original, 'javascript');
    const right = monaco.editor.createModel(modified, 'javascript');
    editor.setModel({ original: left, modified: right });
    return () => {
      editor.dispose();
      left.dispose();
      right.dispose();
    };
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
