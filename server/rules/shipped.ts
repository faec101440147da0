/** The rules shipped in rules/, loaded at first start (when no rule exists yet). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/database.ts';
import { rules } from '../db/schema.ts';
import { rulesRepository } from './repository.ts';
import { parseRuleFile, type RuleFile } from './rule-file.ts';

export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

export function readRuleDirectory(dir: string): RuleFile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => parseRuleFile(readFileSync(join(dir, file), 'utf8'), file));
}

export async function loadShippedRules(db: Db, dir = SHIPPED_RULES_DIR): Promise<string[]> {
  const existing = await db.select({ name: rules.name }).from(rules).limit(1);
  if (existing.length > 0) return [];
  const files = readRuleDirectory(dir);
  await db.transaction(async (tx) => {
    for (const rule of files)
      await rulesRepository.insert(tx as unknown as Db, { ...rule, updatedBy: 'system' });
  });
  return files.map((rule) => rule.name);
}
