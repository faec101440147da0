/**
 * The slice of Monaco the console uses, loaded lazily (dynamic import) when an editor screen
 * opens: the editor and diff editor with all their editing features, JavaScript with the
 * TypeScript language service (completion, hover, syntax errors as you type).
 * Workers are bundled by Vite (`?worker`); nothing is fetched from outside this server.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
// Every editing feature (suggest, hover, find, diff, …); the per-feature registers of 0.57 leave
// out the controllers they need (the suggest widget, the outline service of the diff editor).
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/javascript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { javascriptDefaults } from 'monaco-editor/languages/features/typescript/register';
import TypeScriptWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import { apiText } from '../api.ts';

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'javascript' || label === 'typescript' ? new TypeScriptWorker() : new EditorWorker();
  },
};

// Rules run in the sandbox, not a browser: no DOM globals in completion, only the language and
// the sandbox's own API (GlideRecord, gs, the sysparm_* globals) from the server's typings.
javascriptDefaults.setCompilerOptions({
  target: 99,
  allowJs: true,
  allowNonTsExtensions: true,
  lib: ['es2022'],
  noLib: false,
});
javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });

let typings: Promise<boolean> | null = null;

/** Adds /api/sandbox.d.ts to the language service once; an absent endpoint (404) adds nothing. */
export function loadSandboxTypings(): Promise<boolean> {
  typings ??= apiText('/api/sandbox.d.ts')
    .then((text) => {
      if (text === null) return false;
      javascriptDefaults.addExtraLib(text, 'file:///ctihost/sandbox.d.ts');
      return true;
    })
    .catch(() => {
      typings = null;
      return false;
    });
  return typings;
}

const dark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
export const theme = () => (dark() ? 'vs-dark' : 'vs');

export { monaco };
