/**
 * GET /api/sandbox.d.ts (SPEC §10): the sandbox's typings with this instance's tables and functions.
 * The served text is compiled with TypeScript (no diagnostics allowed), and the editor's completions
 * are asked of a TypeScript language service, as Monaco's worker would.
 */
import type { FastifyInstance } from 'fastify';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SANDBOX_DTS } from '../../server/sandbox/runtime/index.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2024.d.ts'],
  strict: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  types: [],
};

/** A language service over in-memory files (and TypeScript's own lib files from disk). */
function languageService(files: Record<string, string>): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => OPTIONS,
    getScriptFileNames: () => Object.keys(files),
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = files[name] ?? ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '/',
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => name in files || ts.sys.fileExists(name),
    readFile: (name) => files[name] ?? ts.sys.readFile(name),
  };
  return ts.createLanguageService(host);
}

function diagnosticsOf(service: ts.LanguageService, file: string): string[] {
  return [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)].map(
    (d) => `${d.start}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
}

/** The completions offered where `|` stands in `source`. */
function completionsAt(dts: string, source: string): string[] {
  const at = source.indexOf('|');
  const files = { '/sandbox.d.ts': dts, '/rule.js': source.replace('|', '') };
  const completions = languageService(files).getCompletionsAtPosition('/rule.js', at, {});
  return (completions?.entries ?? []).map((entry) => entry.name);
}

describeEachDatabase('GET /api/sandbox.d.ts', (db) => {
  let app: FastifyInstance;
  let admin: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    admin = await login(app);
    const table = await app.inject({
      method: 'POST',
      url: '/api/tables',
      headers: withCsrf(admin),
      payload: {
        name: 'u_service_call',
        label: 'Service call */ with a comment closer',
        columns: [
          { name: 'u_caller', type: 'reference', reference: 'sys_user' },
          { name: 'u_line', type: 'phone' },
        ],
      },
    });
    expect(table.statusCode, table.body).toBe(201);
    const rule = await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: withCsrf(admin),
      payload: {
        name: 'logServiceCall',
        description: 'Records a service call. */ declare const broken: ',
        script: 'function logServiceCall(call) { return call; }',
        clientCallable: false,
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
  });
  afterAll(async () => {
    await app.close();
  });
  const served = async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/sandbox.d.ts',
      headers: { cookie: admin },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  it('serves TypeScript that compiles without a diagnostic, the static typings first', async () => {
    const response = await served();
    expect(response.headers['content-type']).toBe('application/typescript; charset=utf-8');
    const dts = response.body;
    // The static part is there (its GlideRecord constructor widened to offer the table names).
    expect(dts).toContain(SANDBOX_DTS.slice(0, 400));
    expect(dts).toContain('constructor(table: GlideTableName | (string & {}));');
    const service = languageService({ '/sandbox.d.ts': dts });
    expect(diagnosticsOf(service, '/sandbox.d.ts')).toEqual([]);
  });

  it('lists the custom table with its fields and the active non-client-callable functions', async () => {
    const dts = (await served()).body;
    expect(dts).toMatch(/"u_service_call": "sys_id" \| [^;]*"u_caller" \| "u_line";/);
    expect(dts).toMatch(/"incident": [^;]*"number"[^;]*"caller_id"/);
    expect(dts).toContain('declare function logServiceCall(args?: Record<string, unknown>): unknown;');
    expect(dts).toContain('declare function ctiRecordTaskCall(args?: Record<string, unknown>): unknown;');
    // A rule using them type-checks; a misspelt function does not.
    const rule = [
      "var gr = new GlideRecord('u_service_call');",
      "gr.addQuery('u_line', sysparm_caller_phone);",
      'gr.query();',
      "if (gr.next()) logServiceCall({ id: gr.getValue('u_caller') });",
      "answer = 'u_service_call.do?sys_id=-1';",
    ].join('\n');
    const files = { '/sandbox.d.ts': dts, '/rule.js': rule };
    expect(diagnosticsOf(languageService(files), '/rule.js')).toEqual([]);
    const typo = languageService({ ...files, '/rule.js': `${rule}\nlogServiceCal({});` });
    expect(diagnosticsOf(typo, '/rule.js').join('\n')).toContain("Cannot find name 'logServiceCal'");
  });

  it("offers the tables to new GlideRecord('…') and the fields to addQuery and getValue", async () => {
    const dts = (await served()).body;
    const tables = completionsAt(dts, "var gr = new GlideRecord('|');");
    expect(tables).toEqual(expect.arrayContaining(['u_service_call', 'incident', 'sys_user', 'task']));
    const fields = completionsAt(dts, "var gr = new GlideRecord('incident'); gr.addQuery('|');");
    expect(fields).toEqual(expect.arrayContaining(['u_line', 'caller_id', 'user_name', 'sys_id']));
    expect(completionsAt(dts, "var gr = new GlideRecord('incident'); gr.getValue('|');")).toContain('number');
    expect(completionsAt(dts, 'logS|')).toContain('logServiceCall');
  });

  it('drops a function once its rule is inactive or client-callable, and adds it back when active again', async () => {
    const patch = (payload: object) =>
      app.inject({ method: 'PATCH', url: '/api/rules/logServiceCall', headers: withCsrf(admin), payload });
    expect((await patch({ active: false })).statusCode).toBe(200);
    let dts = (await served()).body;
    expect(dts).not.toContain('logServiceCall');
    expect(dts).toContain('declare function ctiRecordTaskCall(');
    expect(diagnosticsOf(languageService({ '/sandbox.d.ts': dts }), '/sandbox.d.ts')).toEqual([]);
    expect((await patch({ active: true, clientCallable: true })).statusCode).toBe(200);
    expect((await served()).body).not.toContain('logServiceCall');
    expect((await patch({ clientCallable: false })).statusCode).toBe(200);
    dts = (await served()).body;
    expect(dts).toContain('declare function logServiceCall(');
  });

  it('is for admin sessions only', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/sandbox.d.ts' })).statusCode).toBe(401);
    await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: withCsrf(admin),
      payload: { username: 'agent1', password: 'a long enough password', role: 'agent' },
    });
    const agent = await login(app, 'agent1', 'a long enough password');
    expect(
      (await app.inject({ method: 'GET', url: '/api/sandbox.d.ts', headers: { cookie: agent } })).statusCode,
    ).toBe(403);
  });
});
