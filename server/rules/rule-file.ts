/**
 * A rule kept as a file (rules/, and `ctihost rules pull|push`): the script, preceded by one block
 * comment holding its metadata, so the file reads as plain JavaScript an admin recognises:
 *
 *   /**
 *    * @rule CTIProcessing
 *    * @description Pops the caller's screen
 *    * @clientCallable true
 *    * @active true
 *    *\/
 */
import { z } from 'zod';
import { ruleName } from './rule-name.ts';

export type RuleFile = {
  name: string;
  description: string;
  clientCallable: boolean;
  active: boolean;
  script: string;
};

const HEADER = /^\s*\/\*\*([\s\S]*?)\*\/[ \t]*\r?\n?/;
const bool = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');

const metadata = z.object({
  rule: ruleName,
  description: z.string().max(2000).default(''),
  clientCallable: bool.default(true),
  active: bool.default(true),
});

export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

export function parseRuleFile(text: string, source: string): RuleFile {
  const header = HEADER.exec(text);
  if (!header)
    throw new RuleFileError(`${source}: the file must start with a /** … */ block holding @rule <name>`);
  const tags: Record<string, string> = {};
  for (const line of header[1]!.split('\n')) {
    const tag = /^\s*\*?\s*@(\w+)\s*(.*?)\s*$/.exec(line);
    if (tag) tags[tag[1]!] = tag[2]!;
  }
  const parsed = metadata.safeParse(tags);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `@${i.path.join('.')} ${i.message}`).join('; ');
    throw new RuleFileError(`${source}: ${problems}`);
  }
  return {
    name: parsed.data.rule,
    description: parsed.data.description,
    clientCallable: parsed.data.clientCallable,
    active: parsed.data.active,
    script: text.slice(header[0].length),
  };
}

export function formatRuleFile(rule: RuleFile): string {
  const description = rule.description.replace(/\*\//g, '* /').replace(/\s*\n\s*/g, ' ');
  return [
    '/**',
    ` * @rule ${rule.name}`,
    ` * @description ${description}`,
    ` * @clientCallable ${rule.clientCallable}`,
    ` * @active ${rule.active}`,
    ' */',
    rule.script,
  ].join('\n');
}
