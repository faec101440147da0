/**
 * The console's data screens in a real browser (SPEC §10): the call log and a call's trace (replayed
 * into the dry-run panel), the write audit, the data dictionary (add a table and a column, field
 * errors, export and import), accounts (create, reset, disable: the agent's session gets 401) and
 * tokens (shown once, revoked: /cti.do gets 401). Chromium talks to 127.0.0.1 only; any other host
 * fails the suite. Each screen is saved under test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/database.ts';
import {
  ensureConsoleBuilt,
  type GuardedPage,
  launchChromium,
  openGuardedPage,
  type RunningApp,
  screenshot,
  sessionHeaders,
  signIn,
  startApp,
} from './harness.ts';

const PHONE = '+1 (415) 555-0142';
/** Screens load over the network: give them time, never a fixed sleep. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });
const AGENT = { username: 'agent.browser', password: 'first password 123', second: 'second password 456' };

describeEachDatabase('the console data screens', (db) => {
  let running: RunningApp;
  let browser: Browser;
  let guarded: GuardedPage;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  /** Every page and context this suite opens, so the guard covers the agent's too. */
  const opened: GuardedPage[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    // A loaded test machine must not turn a pop into a CPU-limit failure: this suite is about the screens.
    running = await startApp(db(), { SANDBOX_CPU_MS: '2000' });
    base = running.baseUrl;
    browser = await launchChromium();
    guarded = await openGuardedPage(browser);
    opened.push(guarded);
    ({ context, page } = guarded);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    // Uncaught errors only: the 4xx answers these tests provoke are logged by Chromium as console errors.
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    await signIn(page, base, '/admin/calls');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  const shot = (name: string) => screenshot(page, name);
  const post = async (path: string, data: object) => {
    const response = await context.request.post(`${base}${path}`, {
      data,
      headers: await sessionHeaders(context),
    });
    expect(response.status(), await response.text()).toBeLessThan(300);
  };
  const cti = (query: string, headers: Record<string, string> = {}) =>
    context.request.get(`${base}/cti.do?${query}`, { headers: { accept: 'application/json', ...headers } });
  const inputValues = async (selector: string) =>
    Promise.all((await page.locator(selector).all()).map((input) => input.inputValue()));
  const rowsOf = (selector: string) => page.locator(`tbody tr[${selector}]`);

  it('lists a call made through /cti.do, narrows it with filters kept in the URL, and opens its trace', async () => {
    await post('/api/rules', {
      name: 'BrowserBoom',
      script: "throw new Error('boom from the browser test');",
      clientCallable: true,
      active: true,
    });
    const good = await cti(
      `sysparm_caller_phone=${encodeURIComponent(PHONE)}&sysparm_call_id=browser-call-1`,
    );
    expect(good.status(), await good.text()).toBe(200);
    const bad = await cti('sysparm_cti_rule=BrowserBoom&sysparm_call_id=browser-call-2');
    expect(bad.status(), await bad.text()).toBe(502);

    await page.goto(`${base}/admin/calls`);
    const calls = rowsOf('data-call');
    await poll(() => calls.count()).toBeGreaterThanOrEqual(2);
    const table = await page.locator('table.d-table').textContent();
    expect(table).toContain('CTIProcessing');
    expect(table).toContain('BrowserBoom');
    // Phones as the log has them: masked to the last four digits.
    expect(table).toContain('0142');
    expect(table).not.toContain('5550142');
    await shot('calls');

    // `/` jumps to the first filter.
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('d-calls-rule');

    await page.locator('select[name="outcome"]').selectOption('error');
    await poll(() => page.url()).toContain('outcome=error');
    await poll(() => page.locator('table.d-table').textContent()).not.toContain('CTIProcessing');
    expect(await page.locator('table.d-table').textContent()).toContain('BrowserBoom');

    await page.locator('select[name="outcome"]').selectOption('');
    await page.locator('input[name="callId"]').fill('browser-call-1');
    await poll(() => page.url()).toContain('callId=browser-call-1');
    await poll(() => calls.allInnerTexts()).toEqual([expect.stringContaining('CTIProcessing')]);

    // The filter survives a reload: it lives in the URL.
    await page.reload();
    await poll(() => calls.allInnerTexts()).toEqual([expect.stringContaining('CTIProcessing')]);
    expect(await page.locator('input[name="callId"]').inputValue()).toBe('browser-call-1');

    // Keyboard: focus the row, Enter opens its trace.
    await calls.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/calls\/[0-9a-f-]{36}$/);
    const callLogId = page.url().split('/').pop()!;
    const trace = page.locator('.d-trace');
    await poll(() => trace.textContent()).toContain('sysparm_call_id');
    const text = await trace.textContent();
    expect(text).toContain('browser-call-1');
    expect(text).toContain('CTIProcessing');
    expect(text).not.toContain('5550142');
    await shot('call-trace');

    await page.getByRole('button', { name: 'Replay as dry-run' }).click();
    await page.waitForURL(`${base}/admin/dry-run?replay=${callLogId}`);
    // The dry-run panel (the shell's) fills its parameter rows from the call.
    await poll(() => inputValues('input[aria-label$=" name"]')).toContain('sysparm_call_id');
    const names = await inputValues('input[aria-label$=" name"]');
    const values = await inputValues('input[aria-label$=" value"]');
    expect(values[names.indexOf('sysparm_call_id')]).toBe('browser-call-1');
    expect(await page.locator('input[name="rule"]').inputValue()).toBe('CTIProcessing');
  });

  it('lists a privileged write in the audit and opens its fields before and after', async () => {
    await post('/api/rules', {
      name: 'browserNote',
      script:
        "function browserNote(text) { var gr = new GlideRecord('incident'); gr.initialize(); gr.short_description = text; return gr.insert(); }",
      clientCallable: false,
      active: true,
    });
    await post('/api/rules', {
      name: 'BrowserWriter',
      script: "answer = '/incident.do?sys_id=' + browserNote('written from the browser test');",
      clientCallable: true,
      active: true,
    });
    const call = await cti('sysparm_cti_rule=BrowserWriter&sysparm_call_id=browser-write-1');
    expect(call.status(), await call.text()).toBe(200);

    await page.goto(`${base}/admin/audit?callId=browser-write-1`);
    const entries = rowsOf('data-audit');
    await poll(() => entries.count()).toBe(1);
    const row = await entries.first().textContent();
    expect(row).toContain('insert');
    expect(row).toContain('incident');
    expect(row).toContain('BrowserWriter → browserNote');
    await entries.first().getByRole('button').click();
    await poll(() => page.locator('table.d-diff').textContent()).toContain('written from the browser test');
    expect(page.url()).toContain('open=');
    await shot('audit');
  });

  it('adds a table with a column, shows it listed, adds a column, and shows field errors beside the field', async () => {
    await page.goto(`${base}/admin/tables`);
    await poll(() => rowsOf('data-table').count()).toBeGreaterThan(3);
    await page.getByRole('button', { name: 'New table' }).click();
    await page.locator('#d-table-name').fill('u_browser_case');
    await page.locator('#d-table-label').fill('Browser case');
    await page.locator('select[name="table-extends"]').selectOption('task');
    await page.locator('input[name="column-name"]').fill('u_channel');
    await page.locator('select[name="column-type"]').selectOption('choice');
    await page.locator('input[name="column-choices"]').fill('phone=Phone, chat=Chat');
    await page.getByRole('button', { name: 'Create table' }).click();
    await page.waitForURL(`${base}/admin/tables/u_browser_case?created=1`);
    await poll(() => page.locator('tr[data-column="u_channel"]').textContent()).toContain('phone=Phone');
    // Inherited from task.
    expect(await page.locator('tr[data-column="short_description"]').textContent()).toContain('task');

    // A bad name: the server's message shows under the name field.
    await page.locator('input[name="column-name"]').fill('Bad Name');
    await page.getByRole('button', { name: 'Add column' }).click();
    const fieldError = page.locator('.d-field-invalid .d-field-error');
    await poll(() => fieldError.textContent()).toContain('lower-case');

    await page.locator('input[name="column-name"]').fill('u_reason');
    await page.locator('input[name="column-label"]').fill('Reason');
    await page.getByRole('button', { name: 'Add column' }).click();
    await poll(() => page.locator('tr[data-column="u_reason"]').count()).toBe(1);
    expect(await page.locator('tr[data-column="u_reason"]').textContent()).toContain('Reason');
    await shot('table');

    await page.getByRole('link', { name: '← Tables' }).click();
    await page.waitForURL(`${base}/admin/tables`);
    await poll(() => page.locator('tr[data-table="u_browser_case"]').count()).toBe(1);
    expect(await page.locator('tr[data-table="u_browser_case"]').textContent()).toContain('task');
    await shot('tables');
  });

  it('exports the dictionary as JSON and imports a file, saying what was added', async () => {
    await page.goto(`${base}/admin/tables`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^ctihost-dictionary-\d{4}-\d\d-\d\d\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      tables: { name: string; columns: { name: string }[] }[];
    };
    const mine = exported.tables.find((t) => t.name === 'u_browser_case');
    expect(mine?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['u_channel', 'u_reason']));
    expect(exported.tables.map((t) => t.name)).toContain('sys_user');

    const file = {
      tables: [{ name: 'u_imported', label: 'Imported', columns: [{ name: 'u_code', type: 'string' }] }],
    };
    await page.locator('input[name="dictionary-file"]').setInputFiles({
      name: 'dictionary.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    });
    const report = page.locator('.d-import-report');
    await poll(() => report.textContent()).toContain('1 table(s) and 1 column(s) added');
    expect(await report.textContent()).toContain('u_imported.u_code');
    await poll(() => page.locator('tr[data-table="u_imported"]').count()).toBe(1);

    // A file that is not JSON says so, and nothing changes.
    await page.locator('input[name="dictionary-file"]').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"tables": ['),
    });
    await poll(() => page.locator('.d-banner-error').textContent()).toContain('broken.json is not JSON');
  });

  it('creates an agent, resets its password and disables it, ending its sessions with 401', async () => {
    await page.goto(`${base}/admin/accounts`);
    await page.locator('#d-new-username').fill(AGENT.username);
    await page.locator('#d-new-password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await poll(() => page.locator('.d-field-invalid .d-field-error').textContent()).toContain('at least 12');
    await page.locator('#d-new-password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    const row = page.locator(`tr[data-account="${AGENT.username}"]`);
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('active');
    expect(await row.getByRole('combobox').inputValue()).toBe('agent');

    // The agent signs in elsewhere, through the login screen.
    const agent = await openGuardedPage(browser);
    opened.push(agent);
    try {
      await signIn(agent.page, base, '/admin/rules', AGENT.username, AGENT.password);
      const session = () => agent.context.request.get(`${base}/api/session`).then((r) => r.status());
      expect(await session()).toBe(200);

      await row.getByRole('button', { name: 'Reset password' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('#d-reset-password').fill(AGENT.second);
      await dialog.getByRole('button', { name: 'Reset password' }).click();
      await poll(() => page.locator('.d-banner-ok').textContent()).toContain('reset');
      expect(await session()).toBe(401);
      await agent.context.clearCookies();
      await signIn(agent.page, base, '/admin/rules', AGENT.username, AGENT.second);
      expect(await session()).toBe(200);

      await row.getByRole('button', { name: 'Disable' }).click();
      await poll(() => row.textContent()).toContain('disabled');
      expect(await session()).toBe(401);
      const again = await agent.context.request.post(`${base}/api/login`, {
        data: { username: AGENT.username, password: AGENT.second },
      });
      expect(again.status()).toBe(401);
      await shot('accounts');
    } finally {
      await agent.context.close();
    }
  });

  it('issues a token shown once, which works on /cti.do until it is revoked', async () => {
    await page.goto(`${base}/admin/tokens`);
    await page.locator('#d-token-name').fill('softphone-browser');
    await page.getByRole('button', { name: 'Issue token' }).click();
    const secret = page.locator('#d-issued-secret');
    await poll(() => secret.inputValue()).toMatch(/\S{20,}/);
    const token = await secret.inputValue();
    expect(await page.locator('.d-secret').textContent()).toContain('only this once');
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await shot('tokens');

    const bearer = { authorization: `Bearer ${token}` };
    const before = await cti(`sysparm_caller_phone=${encodeURIComponent(PHONE)}`, bearer);
    expect(before.status(), await before.text()).toBe(200);

    // Gone after a reload: only its hash is kept.
    await page.reload();
    const row = page.locator('tbody tr', { hasText: 'softphone-browser' });
    await poll(() => row.count()).toBe(1);
    expect(await page.content()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await poll(() => row.textContent()).toContain('revoked');
    const after = await cti(`sysparm_caller_phone=${encodeURIComponent(PHONE)}`, bearer);
    expect(after.status()).toBe(401);
  });

  // Last in the file, so it sees every request and error of the tests above.
  it('reached no host but 127.0.0.1 and threw no uncaught error', () => {
    expect(opened.flatMap((g) => g.offHost)).toEqual([]);
    expect(opened[0]!.requests.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
