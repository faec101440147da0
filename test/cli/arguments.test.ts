/** Bad arguments, as a shell sees them: a clear message, a short usage, exit 2. Help exits 0. */
import { describe, expect, it } from 'vitest';
import { spawnCtihost } from './helpers.ts';

describe('ctihost arguments', () => {
  it.each([
    ['an unknown command', ['bogus'], "error: unknown command 'bogus'", 'Usage: ctihost [options] [command]'],
    [
      'an unknown flag',
      ['seed', '--nope'],
      "error: unknown option '--nope'",
      'Usage: ctihost seed [options]',
    ],
    [
      'a missing value',
      ['seed', '--users'],
      "error: option '--users <n>' argument missing",
      'Usage: ctihost seed [options]',
    ],
    [
      'a value that is not a number',
      ['seed', '--users', 'many'],
      "error: option '--users <n>' argument 'many' is invalid. expected a whole number",
      'Usage: ctihost seed [options]',
    ],
    [
      'a missing argument',
      ['import', 'sys_user'],
      "error: missing required argument 'file'",
      'Usage: ctihost import [options] <table> <file>',
    ],
    [
      'an unknown subcommand',
      ['rules', 'nope'],
      "error: unknown command 'nope'",
      'Usage: ctihost rules [options] [command]',
    ],
    [
      'two databases at once',
      ['rules', 'list', '--data-dir', 'x', '--database-url', 'postgres://h/db'],
      'cannot be used with option',
      'Usage: ctihost rules list [options]',
    ],
    [
      'a database URL that is not PostgreSQL',
      ['migrate', '--database-url', 'mysql://h/db'],
      'expected a postgres:// or postgresql:// URL',
      'Usage: ctihost migrate [options]',
    ],
    [
      'a --param without a value',
      ['dry-run', '--param', 'sysparm_caller_phone'],
      'expected name=value',
      'Usage: ctihost dry-run [options]',
    ],
    ['no command at all', [], 'Usage: ctihost [options] [command]', 'Commands:'],
  ])('%s: exit 2 with the message and a short usage', async (_title, args, message, usage) => {
    const result = await spawnCtihost(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(usage);
    expect(result.stdout).toBe('');
  });

  it('--help lists every command and exits 0', async () => {
    const result = await spawnCtihost(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed', 'import', 'dry-run', 'rules', 'dictionary', 'test'])
      expect(result.stdout).toContain(`  ${command}`);
  });

  it.each([
    ['serve'],
    ['migrate'],
    ['seed'],
    ['import'],
    ['dry-run'],
    ['rules list'],
    ['rules pull'],
    ['rules push'],
    ['dictionary pull'],
    ['dictionary push'],
    ['test'],
  ])('%s --help names the database options and exits 0', async (command) => {
    const result = await spawnCtihost([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: ctihost ${command}`);
    expect(result.stdout).toContain('--database-url <url>');
  });

  it('a file that cannot be read is a usage error', async () => {
    const result = await spawnCtihost(['dry-run', '--file', '/nonexistent/rule.js']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read /nonexistent/rule.js: ENOENT');
  });
});
