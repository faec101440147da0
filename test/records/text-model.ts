/**
 * The operator semantics of condition-sql.ts on a text column, written again in JavaScript: the model the
 * property tests compare the database with (properties.test.ts).
 */
import fc from 'fast-check';
import { OPERATORS, type Operator } from '../../server/records/encoded-query.ts';

/** The operators of text columns: all but the comparisons. */
export const TEXT_OPERATORS: Operator[] = OPERATORS.filter(
  (operator) => !['>', '>=', '<', '<='].includes(operator),
);

/** Whether a stored value (null when empty) meets `<field><operator><value>`. */
export function textMatches(stored: string | null, operator: Operator, value: string): boolean {
  const empty = stored === null || stored === '';
  if (operator === 'ISEMPTY' || (operator === '=' && value === '')) return empty;
  if (operator === 'ISNOTEMPTY' || (operator === '!=' && value === '')) return !empty;
  // The negative operators follow SQL: an empty field matches neither way.
  if (stored === null) return false;
  const text = stored.toLowerCase();
  // A lone surrogate is not text: it reads as U+FFFD, as the postgres driver stores it (condition-sql.ts).
  const wanted = value.toWellFormed().toLowerCase();
  const items = wanted
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  switch (operator) {
    case '=':
      return text === wanted;
    case '!=':
      return text !== wanted;
    case 'IN':
      return items.includes(text);
    case 'NOT IN':
      return items.length > 0 && !items.includes(text);
    case 'STARTSWITH':
      return text.startsWith(wanted);
    case 'ENDSWITH':
      return text.endsWith(wanted);
    case 'CONTAINS':
    case 'LIKE':
      return text.includes(wanted);
    case 'DOESNOTCONTAIN':
    case 'NOT LIKE':
      return !text.includes(wanted);
    default:
      throw new Error(`the model has no ${operator}`);
  }
}

/**
 * Text whose case JavaScript and PostgreSQL fold alike (ASCII, a few Latin letters, caseless scripts),
 * so the model stays exact; the rest of Unicode is for the properties that need no model.
 */
export const foldableText = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    fc.constantFrom('%', '_', '\\', '^', ',', "'", '"', ' ', '\t', 'É', 'é', 'ë', '中', '😀'),
  ),
  maxLength: 16,
});
