/**
 * The number prefix of a new table that extends a numbered one (`hr_case` extends `task`): the one
 * its definition gives, else one derived from its name (hr_case → HRC). Each numbered table has a
 * sequence of its own, so two tables with one prefix would number the same record twice: a prefix
 * already in use is refused, and a derived one never takes it.
 */
import type { TableDefinition } from '../../dictionary/definition.ts';
import type { Dictionary } from '../../dictionary/model.ts';
import { AppError } from '../../errors.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The first free of HRC, HRCA, HRCAS, … (up to 8 letters), then the name's first letters and two more. */
export function derivePrefix(name: string, taken: ReadonlySet<string>): string {
  const letters = name
    .replace(/^u_/, '')
    .replace(/[^a-z]/g, '')
    .toUpperCase()
    .padEnd(2, 'X');
  for (let length = Math.min(3, letters.length); length <= Math.min(8, letters.length); length++) {
    const candidate = letters.slice(0, length);
    if (!taken.has(candidate)) return candidate;
  }
  const stem = letters.slice(0, 6);
  for (let i = 0; i < LETTERS.length ** 2; i++) {
    const candidate = `${stem}${LETTERS[Math.floor(i / LETTERS.length)]}${LETTERS[i % LETTERS.length]}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new AppError('CONFLICT', `no free number prefix for ${name}; give one as numberPrefix`);
}

/** Parents before children, so a child in a file knows whether its parent is numbered. */
function parentsFirst(definitions: readonly TableDefinition[]): TableDefinition[] {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const ordered: TableDefinition[] = [];
  const seen = new Set<string>();
  const visit = (d: TableDefinition) => {
    if (seen.has(d.name)) return;
    seen.add(d.name);
    const parent = d.extends ? byName.get(d.extends) : undefined;
    if (parent) visit(parent);
    ordered.push(d);
  };
  for (const d of definitions) visit(d);
  return ordered;
}

/**
 * The definitions with a prefix for every new table under a numbered parent. Tables that exist keep
 * theirs (applying never changes them); a given prefix that another table numbers with gets 409.
 */
export function assignNumberPrefixes(
  dictionary: Dictionary,
  definitions: TableDefinition[],
): TableDefinition[] {
  const owners = new Map<string, string>();
  for (const t of dictionary.tables) {
    if (t.numberPrefix && t.numberSequenceOf === t.name) owners.set(t.numberPrefix, t.name);
  }
  const fresh = definitions.filter((d) => !dictionary.has(d.name));
  for (const d of fresh) {
    if (!d.numberPrefix) continue;
    const owner = owners.get(d.numberPrefix);
    if (owner !== undefined) {
      throw new AppError(
        'CONFLICT',
        `number prefix ${d.numberPrefix} is already used by ${owner}; give ${d.name} a prefix of its own`,
      );
    }
    owners.set(d.numberPrefix, d.name);
  }
  const prefixOf = new Map<string, string | undefined>();
  const assigned = new Map<string, string>();
  for (const d of parentsFirst(fresh)) {
    const parent = d.extends;
    const parentPrefix =
      parent === undefined ? undefined : (dictionary.get(parent)?.numberPrefix ?? prefixOf.get(parent));
    let prefix = d.numberPrefix;
    if (!prefix && parentPrefix) {
      prefix = derivePrefix(d.name, new Set(owners.keys()));
      owners.set(prefix, d.name);
      assigned.set(d.name, prefix);
    }
    prefixOf.set(d.name, prefix ?? parentPrefix);
  }
  return definitions.map((d) => {
    const prefix = assigned.get(d.name);
    return prefix ? { ...d, numberPrefix: prefix } : d;
  });
}
