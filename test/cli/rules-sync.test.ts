/** `ctihost rules list | pull | push`: rules to files and back, so they live in git (SPEC §11). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ctihost, describeEachCliDatabase } from './helpers.ts';

describeEachCliDatabase('ctihost rules', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-pull-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const versions = async () => {
    const list = await ctihost(['rules', 'list', '--json', ...db().args]);
    expect(list.code, list.stderr).toBe(0);
    return Object.fromEntries(
      (JSON.parse(list.stdout) as { name: string; version: number }[]).map((r) => [r.name, r.version]),
    );
  };

  it('lists the shipped rules as a table', async () => {
    const result = await ctihost(['rules', 'list', ...db().args]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+ACTIVE\s+CLIENT-CALLABLE\s+UPDATED\s+BY\s+DESCRIPTION$/);
    expect(lines.some((line) => /^CTIProcessing\s+1\s+yes\s+yes\s/.test(line))).toBe(true);
    expect(lines.some((line) => /^ctiRecordTaskCall\s+1\s+yes\s+no\s/.test(line))).toBe(true);
  });

  it('pulls every rule to a file in the shipped format, and a push of them changes nothing', async () => {
    const pulled = await ctihost(['rules', 'pull', dir, ...db().args]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['CTIProcessing.js', 'ctiRecordTaskCall.js']);
    expect(readFileSync(join(dir, 'CTIProcessing.js'), 'utf8')).toBe(
      readFileSync('rules/CTIProcessing.js', 'utf8'),
    );
    const before = await versions();
    const pushed = await ctihost(['rules', 'push', dir, ...db().args]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('0 created, 0 changed, 2 unchanged');
    expect(await versions()).toEqual(before);
    const again = await ctihost(['rules', 'pull', dir, ...db().args]);
    expect(again.stdout).toContain('0 files written, 2 unchanged');
  });

  it('pushes an edited file as exactly one new version, and a new file as a new rule', async () => {
    const before = await versions();
    const file = join(dir, 'CTIProcessing.js');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "var view = sysparm_view || 'cti';",
        "var view = sysparm_view || 'cti'; // edited",
      ),
    );
    writeFileSync(
      join(dir, 'u_hello.js'),
      '/**\n * @rule u_hello\n * @description Says hello\n * @clientCallable true\n * @active false\n */\nanswer = "sys_user.do?sys_id=-1";\n',
    );
    const pushed = await ctihost(['rules', 'push', dir, '--json', ...db().args]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout).rules).toEqual([
      { name: 'CTIProcessing', change: 'changed', version: before.CTIProcessing! + 1 },
      { name: 'ctiRecordTaskCall', change: 'unchanged', version: before.ctiRecordTaskCall },
      { name: 'u_hello', change: 'created', version: 1 },
    ]);
    expect(await versions()).toEqual({ ...before, CTIProcessing: before.CTIProcessing! + 1, u_hello: 1 });
  });

  it('refuses the whole push when one file does not compile, naming it, and changes nothing', async () => {
    const before = await versions();
    writeFileSync(
      join(dir, 'u_hello.js'),
      readFileSync(join(dir, 'u_hello.js'), 'utf8').replace('Says hello', 'Says hi'),
    );
    writeFileSync(
      join(dir, 'ctiRecordTaskCall.js'),
      `${readFileSync(join(dir, 'ctiRecordTaskCall.js'), 'utf8')}\nvar = ;\n`,
    );
    const pushed = await ctihost(['rules', 'push', dir, ...db().args]);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toContain('nothing was pushed; 1 file(s) do not compile');
    expect(pushed.stderr).toMatch(/ctiRecordTaskCall\.js: line \d+, column \d+: SyntaxError/);
    expect(await versions()).toEqual(before);
  });

  it('refuses files whose metadata is wrong or whose name does not match, listing all of them', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'ctihost-bad-'));
    try {
      writeFileSync(join(bad, 'a.js'), 'answer = "x";');
      writeFileSync(join(bad, 'b.js'), '/**\n * @rule c\n */\nanswer = "x";');
      const pushed = await ctihost(['rules', 'push', bad, ...db().args]);
      expect(pushed.code).toBe(1);
      expect(pushed.stderr).toContain('2 refused');
      expect(pushed.stderr).toContain('a.js: the file must start with a /** … */ block holding @rule <name>');
      expect(pushed.stderr).toContain('b.js: holds @rule c; name the file c.js');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('a dry run of a push reports and saves nothing', async () => {
    writeFileSync(join(dir, 'ctiRecordTaskCall.js'), readFileSync('rules/ctiRecordTaskCall.js', 'utf8'));
    const before = await versions();
    const pushed = await ctihost(['rules', 'push', dir, '--dry-run', ...db().args]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('changed   u_hello');
    expect(pushed.stdout).toContain('(dry run: nothing was saved)');
    expect(await versions()).toEqual(before);
  });
});
