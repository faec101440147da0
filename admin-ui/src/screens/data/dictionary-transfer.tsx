/**
 * Export and import of the whole dictionary (GET/PUT /api/dictionary), the file format of
 * `ctihost dictionary pull|push`. Export downloads it; import reads a chosen file, sends it, and says
 * what was added and what the file says differently about what exists (left as it is).
 */
import { useRef, useState } from 'preact/hooks';
import { errorMessage, fieldErrors } from './errors.ts';
import { type DictionaryImport, exportDictionary, importDictionary } from './tables-api.ts';
import { ErrorBanner } from './ui.tsx';

export function DictionaryTransfer({ onImported }: { onImported: () => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ file: string; report: DictionaryImport } | null>(null);

  async function download() {
    setBusy('export');
    setError(null);
    try {
      const file = await exportDictionary();
      const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `ctihost-dictionary-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function upload(file: File) {
    setBusy('import');
    setError(null);
    setResult(null);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`${file.name} is not JSON: ${errorMessage(e)}`);
      }
      const report = await importDictionary(parsed);
      setResult({ file: file.name, report });
      onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  const problems = Object.entries(fieldErrors(error));
  return (
    <div class="d-transfer">
      <div class="d-actions">
        <button type="button" class="d-button" onClick={download} disabled={busy !== null}>
          {busy === 'export' ? 'Exporting…' : 'Export JSON'}
        </button>
        <button
          type="button"
          class="d-button"
          onClick={() => fileInput.current?.click()}
          disabled={busy !== null}
        >
          {busy === 'import' ? 'Importing…' : 'Import JSON…'}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          class="d-hidden"
          name="dictionary-file"
          aria-label="Dictionary file to import"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void upload(file);
          }}
        />
      </div>
      <ErrorBanner error={error} />
      {problems.length > 1 ? (
        <ul class="d-problems">
          {problems.map(([field, message]) => (
            <li key={field}>
              <code>{field}</code>: {message}
            </li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <ImportReport file={result.file} report={result.report} onClose={() => setResult(null)} />
      ) : null}
    </div>
  );
}

function ImportReport({
  file,
  report,
  onClose,
}: {
  file: string;
  report: DictionaryImport;
  onClose: () => void;
}) {
  const nothing = report.tablesAdded.length === 0 && report.columnsAdded.length === 0;
  return (
    <div class="d-banner d-banner-ok d-import-report" role="status">
      <div>
        <strong>Imported {file}:</strong>{' '}
        {nothing
          ? 'nothing to add, the database has every table and column of the file.'
          : `${report.tablesAdded.length} table(s) and ${report.columnsAdded.length} column(s) added.`}
        {report.tablesAdded.length ? (
          <p>
            Tables:{' '}
            {report.tablesAdded.map((t, i) => (
              <span key={t}>
                {i ? ', ' : ''}
                <a href={`/admin/tables/${t}`}>{t}</a>
              </span>
            ))}
          </p>
        ) : null}
        {report.columnsAdded.length ? <p class="d-mono">Columns: {report.columnsAdded.join(', ')}</p> : null}
        {report.differences.length ? (
          <>
            <p>The file differs on what exists (left as it is):</p>
            <ul>
              {report.differences.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
      <button type="button" class="d-button d-button-small" onClick={onClose} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
