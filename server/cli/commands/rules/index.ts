/** `ctihost rules list | pull [DIR] | push [DIR]`: the database's rules to and from files, so rules live in git. */
import type { Command } from 'commander';
import { registerRulesList } from './list.ts';
import { registerRulesPull } from './pull.ts';
import { registerRulesPush } from './push.ts';

export function registerRules(program: Command): Command {
  const rules = program
    .command('rules')
    .description('list the rules, or pull them to files and push files back as new versions');
  registerRulesList(rules);
  registerRulesPull(rules);
  registerRulesPush(rules);
  return rules;
}
