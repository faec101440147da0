/**
 * `ctihost rules push [DIR]`: every file of DIR is checked first (metadata, file name, the script
 * compiles in the sandbox's engine); only when all pass are they applied, in one transaction, each
 * changed rule as a new version. Rules of the database without a file are left as they are.
 */
import type { Command } from 'commander';
import type { Db } from '../../../db/database.ts';
import { CliError } from '../../errors.ts';
import { addDatabaseOptions, type DatabaseOptions } from '../../options.ts';
import { out, paint, printJson } from '../../output.ts';
import type { RuleFileEntry } from '../../rule-files.ts';

type PushOptions = DatabaseOptions & { json?: boolean; dryRun?: boolean };
type Change = { name: string; change: 'created' | 'changed' | 'unchanged'; version: number };

/** Thrown inside the transaction to roll a dry run back. */
class Rollback extends Error {}

export function registerRulesPush(rules: Command): Command {
  const command = rules
    .command('push')
    .description('check every DIR/<name>.js, then save the changed ones as new versions in one transaction')
    .argument('[dir]', 'directory to read', 'rules')
    .option('--dry-run', 'check and report what would change, and change nothing')
    .option('--json', 'print what changed as JSON');
  addDatabaseOptions(command).action(async (dir: string, options: PushOptions) => {
    const { readRuleFiles } = await import('../../rule-files.ts');
    const { cliActor, withServices } = await import('../../context.ts');
    const { announceChange } = await import('../../../db/change-notices.ts');
    const entries = readRuleFiles(dir);
    await withServices(options, async (services) => {
      const problems: string[] = [];
      for (const { file, rule } of entries) {
        const problem = await services.sandbox.compile(rule.script, rule.name);
        if (problem)
          problems.push(`${file}: line ${problem.line}, column ${problem.column}: ${problem.message}`);
      }
      if (problems.length > 0) {
        throw new CliError(
          `${dir}: nothing was pushed; ${problems.length} file(s) do not compile:\n  ${problems.join('\n  ')}`,
        );
      }
      const by = cliActor();
      const changes: Change[] = [];
      try {
        await services.database.db.transaction(async (tx) => {
          for (const entry of entries) changes.push(await apply(tx as unknown as Db, entry, by));
          if (options.dryRun) throw new Rollback();
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      // Running servers on the same PostgreSQL drop their cached rules now, not at their next check.
      if (!options.dryRun && changes.some((c) => c.change !== 'unchanged'))
        await announceChange(services.database, 'rules');
      const files = new Set(entries.map((e) => e.rule.name));
      const untouched = (await services.rules.list({})).filter((r) => !files.has(r.name)).map((r) => r.name);
      report(changes, untouched, options);
    });
  });
  return command;
}

async function apply(tx: Db, { rule }: RuleFileEntry, by: string): Promise<Change> {
  const { rulesRepository } = await import('../../../rules/repository.ts');
  const { sameRule } = await import('../../rule-files.ts');
  const current = await rulesRepository.get(tx, rule.name);
  if (!current) {
    const created = await rulesRepository.insert(tx, { ...rule, updatedBy: by });
    return { name: rule.name, change: 'created', version: created.version };
  }
  if (sameRule(rule, current)) return { name: rule.name, change: 'unchanged', version: current.version };
  const saved = await rulesRepository.saveVersion(tx, rule.name, current.version, {
    description: rule.description,
    script: rule.script,
    clientCallable: rule.clientCallable,
    active: rule.active,
    updatedBy: by,
  });
  if (!saved)
    throw new CliError(
      `rule ${rule.name} was saved by someone else meanwhile; nothing was pushed, try again`,
    );
  return { name: rule.name, change: 'changed', version: saved.version };
}

function report(changes: Change[], untouched: string[], options: PushOptions): void {
  if (options.json) {
    printJson({ dryRun: Boolean(options.dryRun), rules: changes, notInDir: untouched });
    return;
  }
  const style = { created: 'green', changed: 'yellow', unchanged: 'gray' } as const;
  for (const c of changes) {
    const detail = c.change === 'unchanged' ? `version ${c.version}` : `now version ${c.version}`;
    out(`${paint(style[c.change], c.change.padEnd(9))} ${c.name} (${detail})`);
  }
  for (const name of untouched) out(`${paint('gray', 'no file  ')} ${name} (left as it is)`);
  const count = (kind: Change['change']) => changes.filter((c) => c.change === kind).length;
  const summary = `${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged`;
  out(options.dryRun ? `${summary} (dry run: nothing was saved)` : summary);
}
