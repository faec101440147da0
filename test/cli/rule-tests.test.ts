/** `ctihost test rules` as the project's own suite runs it: the shipped cases pass, and a broken rule fails naming its case. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastLine, spawnCtihost } from './helpers.ts';

const shippedCases = () =>
  ['CTIProcessing', 'ctiRecordTaskCall'].reduce(
    (sum, rule) => sum + JSON.parse(readFileSync(`rules/${rule}.test.json`, 'utf8')).cases.length,
    0,
  );

describe('ctihost test', () => {
  const temp = mkdtempSync(join(tmpdir(), 'ctihost-rules-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('passes every shipped case of rules/, ending with the runner line', async () => {
    const result = await spawnCtihost(['test', 'rules'], { timeoutMs: 240_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(lastLine(result.stdout)).toBe(`${shippedCases()} passed, 0 failed`);
    expect(result.stdout).toContain(
      '✓ no caller, a known task number: the task pops and the call is noted on it',
    );
  }, 300_000);

  if (process.env.TEST_DATABASE_URL) {
    it('passes them on PostgreSQL too', async () => {
      const result = await spawnCtihost(['test', 'rules', '--database-url', process.env.TEST_DATABASE_URL!], {
        timeoutMs: 240_000,
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(lastLine(result.stdout)).toBe(`${shippedCases()} passed, 0 failed`);
    }, 300_000);
  }

  it('fails, naming the case, when the default rule is broken', async () => {
    const dir = join(temp, 'broken');
    cpSync('rules', dir, { recursive: true });
    const file = join(dir, 'CTIProcessing.js');
    const script = readFileSync(file, 'utf8');
    const broken = script.replace(
      'answer = callerScreen(callers[0]);',
      "answer = 'sys_user.do?sys_id=' + callers[1];",
    );
    expect(broken).not.toBe(script);
    writeFileSync(file, broken);
    const result = await spawnCtihost(['test', dir, '--grep', 'caller known by'], { timeoutMs: 120_000 });
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain(
      '✗ a caller known by employee number, with an open incident, gets their card and open incidents',
    );
    expect(result.stdout).toContain(
      'expected the answer /sys_user.do?sys_id=a0000000-0000-4000-8000-000000000001&sysparm_view=cti',
    );
    expect(result.stdout).toContain('got /sys_user.do?sys_id=undefined');
    expect(result.stdout).toContain(
      'CTIProcessing.test.json › a caller known by user name, without open incidents, gets a new incident for them',
    );
    expect(result.stdout).toContain('CTIProcessing.test.json › a caller known by sys_id is identified');
    expect(lastLine(result.stdout)).toBe('0 passed, 3 failed');
  }, 180_000);

  it('fails with the rule error when the default rule does not compile', async () => {
    const dir = join(temp, 'syntax');
    cpSync('rules', dir, { recursive: true });
    writeFileSync(
      join(dir, 'CTIProcessing.js'),
      `${readFileSync(join(dir, 'CTIProcessing.js'), 'utf8')}\nvar = ;\n`,
    );
    const result = await spawnCtihost(['test', dir, '--grep', 'employee number'], { timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ a caller known by employee number');
    expect(result.stdout).toMatch(/the rule failed: RULE_ERROR: .*SyntaxError/);
    expect(lastLine(result.stdout)).toBe('0 passed, 1 failed');
  }, 180_000);

  it('names a case file it cannot read, and fails', async () => {
    const dir = join(temp, 'bad-file');
    cpSync('rules', dir, { recursive: true });
    rmSync(join(dir, 'ctiRecordTaskCall.test.json'));
    writeFileSync(
      join(dir, 'CTIProcessing.test.json'),
      JSON.stringify({ cases: [{ name: 'x', expect: { nope: 1 } }] }),
    );
    const result = await spawnCtihost(['test', dir], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('CTIProcessing.test.json › (the file)');
    expect(result.stdout).toContain('cases.0.expect: Unrecognized key: "nope"');
    expect(lastLine(result.stdout)).toBe('0 passed, 1 failed');
  });

  it('fails when there is no case to run', async () => {
    const dir = join(temp, 'empty');
    cpSync('rules', dir, { recursive: true });
    for (const file of ['CTIProcessing.test.json', 'ctiRecordTaskCall.test.json']) rmSync(join(dir, file));
    const result = await spawnCtihost(['test', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no test cases in ${dir}`);
    expect(lastLine(result.stdout)).toBe('0 passed, 0 failed');
  });
});
