/** `ctihost rules pull [DIR]`: every rule of the database written to DIR/<name>.js, metadata in the file. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { addDatabaseOptions, type DatabaseOptions } from '../../options.ts';
import { out, paint, plural, printJson } from '../../output.ts';

type PullOptions = DatabaseOptions & { json?: boolean };

export function registerRulesPull(rules: Command): Command {
  const command = rules
    .command('pull')
    .description('write every rule of the database to DIR/<name>.js')
    .argument('[dir]', 'directory to write to', 'rules')
    .option('--json', 'print what was written as JSON');
  addDatabaseOptions(command).action(async (dir: string, options: PullOptions) => {
    const { withServices } = await import('../../context.ts');
    const { formatRuleFile } = await import('../../../rules/rule-file.ts');
    const { listRuleFiles, ruleFileName } = await import('../../rule-files.ts');
    await withServices(options, async (services) => {
      mkdirSync(dir, { recursive: true });
      const list = await services.rules.list({});
      const written: string[] = [];
      const unchanged: string[] = [];
      for (const rule of list) {
        const path = join(dir, ruleFileName(rule.name));
        const text = formatRuleFile(rule);
        if (existsSync(path) && readFileSync(path, 'utf8') === text) {
          unchanged.push(rule.name);
          continue;
        }
        writeFileSync(path, text);
        written.push(rule.name);
      }
      const inDatabase = new Set(list.map((rule) => ruleFileName(rule.name)));
      const extra = listRuleFiles(dir).filter((file) => !inDatabase.has(file));
      if (options.json) {
        printJson({ dir, written, unchanged, notInDatabase: extra });
        return;
      }
      for (const name of written) out(`${paint('green', 'wrote    ')} ${join(dir, ruleFileName(name))}`);
      for (const name of unchanged) out(`${paint('gray', 'unchanged')} ${join(dir, ruleFileName(name))}`);
      for (const file of extra) out(`${paint('yellow', 'not in db')} ${join(dir, file)} (left as it is)`);
      out(`${plural(written.length, 'file')} written, ${unchanged.length} unchanged`);
    });
  });
  return command;
}
