/**
 * A directory of rule files (rules/ and what `rules pull` writes): `<name>.js` each, with the
 * metadata block of server/rules/rule-file.ts. Reading reports every bad file at once, not the first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRuleFile, parseRuleFile, type RuleFile } from '../rules/rule-file.ts';
import { CliError, usageError } from './errors.ts';

export type RuleFileEntry = { file: string; rule: RuleFile };

export const ruleFileName = (name: string) => `${name}.js`;

export function listRuleFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw usageError(`cannot read the directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return names.filter((name) => name.endsWith('.js')).sort();
}

/** Every rule file of `dir`, or a CliError listing every file that is refused and why. */
export function readRuleFiles(dir: string): RuleFileEntry[] {
  const entries: RuleFileEntry[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const file of listRuleFiles(dir)) {
    try {
      const rule = parseRuleFile(readFileSync(join(dir, file), 'utf8'), file);
      if (file !== ruleFileName(rule.name)) {
        problems.push(`${file}: holds @rule ${rule.name}; name the file ${ruleFileName(rule.name)}`);
        continue;
      }
      const earlier = seen.get(rule.name);
      if (earlier) problems.push(`${file}: rule ${rule.name} is already defined in ${earlier}`);
      seen.set(rule.name, file);
      entries.push({ file, rule });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0)
    throw new CliError(`${dir}: ${problems.length} refused:\n  ${problems.join('\n  ')}`);
  return entries;
}

/** A rule as a file would give it back: what push compares, so a pull followed by a push changes nothing. */
export const canonical = (rule: RuleFile): RuleFile => parseRuleFile(formatRuleFile(rule), 'canonical');

export const sameRule = (a: RuleFile, b: RuleFile): boolean => {
  const x = canonical(a);
  const y = canonical(b);
  return (
    x.script === y.script &&
    x.description === y.description &&
    x.clientCallable === y.clientCallable &&
    x.active === y.active
  );
};
