/** `ctihost dictionary pull|push FILE`: the data dictionary (SPEC §4) as one JSON file, the format of GET/PUT /api/dictionary. */
import type { Command } from 'commander';
import { registerDictionaryPull } from './pull.ts';
import { registerDictionaryPush } from './push.ts';

export function registerDictionary(program: Command): Command {
  const dictionary = program
    .command('dictionary')
    .description('export the data dictionary to a JSON file, or add what a file declares');
  registerDictionaryPull(dictionary);
  registerDictionaryPush(dictionary);
  return dictionary;
}
