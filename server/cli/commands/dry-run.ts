/**
 * `ctihost dry-run`: runs a rule from the database (`--rule`) or straight from a file (`--file`,
 * nothing saved) with a call's parameters, through the same dry run as POST /api/dry-run
 * (server/processor/dry-run.ts): the privileged service's writes are made, then rolled back, and
 * nothing goes to the call log. Exit 0 on an answer, 1 on a rule failure, 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { DryRunInput } from '../../processor/dry-run.ts';
import { CliError, EXIT, usageError } from '../errors.ts';
import { addDatabaseOptions, collect, type DatabaseOptions } from '../options.ts';
import { printJson } from '../output.ts';
import type { CliRun } from '../program.ts';

type DryRunOptions = DatabaseOptions & {
  rule?: string;
  file?: string;
  param: string[];
  url?: string;
  json?: boolean;
};

/** The default rule of /cti.do (server/processor/process-call.ts), here so that --help loads nothing heavy. */
const DEFAULT_RULE = 'CTIProcessing';

type Script = { name: string; script: string; clientCallable: boolean };

function parseParam(value: string, previous: string[] = []): string[] {
  if (value.indexOf('=') <= 0)
    throw new InvalidArgumentError('expected name=value, e.g. sysparm_caller_phone=+14155550142');
  return collect(value, previous);
}

/** A rule file as it would be saved; a file without the metadata block is a client-callable script named after the file. */
async function scriptFromFile(path: string): Promise<Script> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (!/^\s*\/\*\*/.test(text))
    return { name: basename(path).replace(/\.js$/, ''), script: text, clientCallable: true };
  const { parseRuleFile, RuleFileError } = await import('../../rules/rule-file.ts');
  try {
    const rule = parseRuleFile(text, path);
    return { name: rule.name, script: rule.script, clientCallable: rule.clientCallable };
  } catch (error) {
    if (error instanceof RuleFileError) throw new CliError(error.message);
    throw error;
  }
}

/** `--param` pairs and a pasted URL as one query: the pairs first, so they win (the first of a repeated name is used). */
export function callQuery(pairs: string[], url?: string): string {
  const search = new URLSearchParams();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    search.append(name.toLowerCase().startsWith('sysparm_') ? name : `sysparm_${name}`, pair.slice(at + 1));
  }
  const own = search.toString();
  if (url === undefined) return own;
  const at = url.indexOf('?');
  const rest = (at >= 0 ? url.slice(at + 1) : url.includes('=') ? url : '').split('#')[0]!;
  return [own, rest].filter(Boolean).join('&');
}

export function registerDryRun(program: Command, run: CliRun): Command {
  const command = program
    .command('dry-run')
    .description("run a rule with a call's parameters; the writes it would make are rolled back")
    .addOption(
      new Option(
        '--rule <name>',
        `a rule from the database (default: sysparm_cti_rule, else ${DEFAULT_RULE})`,
      ).conflicts('file'),
    )
    .addOption(new Option('--file <path>', 'a rule file, run as it is without saving it').conflicts('rule'))
    .addOption(
      new Option('--param <name=value>', 'a call parameter (sysparm_ may be left out); repeat for more')
        .argParser(parseParam)
        .default([]),
    )
    .option('--url <url>', "a whole call URL, e.g. 'cti.do?sysparm_caller_phone=%2B14155550142'")
    .option('--json', 'print the result as JSON (the shape of POST /api/dry-run)');
  addDatabaseOptions(command).action(async (options: DryRunOptions) => {
    const query = callQuery(options.param, options.url);
    // Before the database opens: a file that cannot be read is a usage error, and a fast one.
    const fromFile = options.file ? await scriptFromFile(options.file) : null;
    const { withServices } = await import('../context.ts');
    const { dryRun } = await import('../../processor/dry-run.ts');
    const { AppError } = await import('../../errors.ts');
    const { printDryRun } = await import('../print-run.ts');
    await withServices(options, async (services) => {
      let input: DryRunInput;
      let source: string;
      if (fromFile) {
        if (!fromFile.clientCallable) throw notClientCallable(fromFile.name);
        input = { url: `?${query}`, rule: fromFile.name, script: fromFile.script };
        source = options.file!;
      } else {
        const name =
          options.rule ?? new URLSearchParams(query).get('sysparm_cti_rule')?.trim() ?? DEFAULT_RULE;
        const rule = await services.rules.find(name);
        if (!rule) throw usageError(`there is no rule named ${name} (ctihost rules list shows them)`);
        if (!rule.clientCallable) throw notClientCallable(name);
        input = { url: `?${query}`, rule: name };
        source = `version ${rule.version}${rule.active ? '' : ', inactive'}`;
      }
      let result: Awaited<ReturnType<typeof dryRun>>;
      try {
        result = await dryRun(services, input);
      } catch (error) {
        if (error instanceof AppError) throw usageError(error.message);
        throw error;
      }
      if (options.json) printJson(result);
      else printDryRun(result, source);
      if (result.outcome !== 'answer') run.exitCode = EXIT.failure;
    });
  });
  return command;
}

const notClientCallable = (name: string) =>
  usageError(
    `${name} is not client-callable: it runs only when another rule calls it; dry-run the rule that calls it`,
  );
