/** `ctihost rules list`: the rules of the database as a table (or JSON, without their scripts). */
import type { Command } from 'commander';
import { addDatabaseOptions, type DatabaseOptions } from '../../options.ts';
import { formatTable, out, paint, printJson } from '../../output.ts';

type ListOptions = DatabaseOptions & { json?: boolean; search?: string };

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function registerRulesList(rules: Command): Command {
  const command = rules
    .command('list')
    .description('list the rules with their version, flags and last change')
    .option('--search <text>', 'only rules whose name or description holds the text')
    .option('--json', 'print the rules as JSON (without their scripts)');
  addDatabaseOptions(command).action(async (options: ListOptions) => {
    const { withServices } = await import('../../context.ts');
    await withServices(options, async (services) => {
      const list = await services.rules.list(options.search ? { search: options.search } : {});
      if (options.json) {
        printJson(list.map(({ script: _script, ...rule }) => rule));
        return;
      }
      if (list.length === 0) {
        out(paint('gray', 'no rules'));
        return;
      }
      const flag = (on: boolean) => (on ? 'yes' : 'no');
      const lines = formatTable(
        ['NAME', 'VERSION', 'ACTIVE', 'CLIENT-CALLABLE', 'UPDATED', 'BY', 'DESCRIPTION'],
        list.map((rule) => [
          rule.name,
          String(rule.version),
          flag(rule.active),
          flag(rule.clientCallable),
          rule.updatedAt.slice(0, 16).replace('T', ' '),
          rule.updatedBy,
          shorten(rule.description, 60),
        ]),
      );
      for (const line of lines) out(line);
    });
  });
  return command;
}
