/**
 * Properties of the encoded-query parser and its formatter (fast-check), without a database: any text
 * parses or is refused with a RecordError, the cut into parts loses nothing, and encoding round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  encodeQuery,
  isFieldPath,
  OPERATORS,
  type Operator,
  type ParsedQuery,
  parseEncodedQuery,
  splitParts,
  VALUELESS,
} from '../../server/records/encoded-query.ts';
import { RecordError } from '../../server/records/types.ts';
import { anyText, anyValue, encodedQueryFor, PARSE_REFUSAL, TABLES } from './arbitraries.ts';

const anyQueryText = fc.oneof(
  fc.constantFrom(...TABLES).chain(encodedQueryFor),
  anyText(40),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** The parse, or the message of its refusal; anything but a RecordError fails the property. */
function attempt(text: string): ParsedQuery | string {
  try {
    return parseEncodedQuery(text);
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    return error.message;
  }
}

/** A field path as the grammar writes them: lower-case names joined by dots. */
const fieldPath = fc
  .array(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { minLength: 1, maxLength: 3 })
  .map((names) => names.join('.'));
const condition: fc.Arbitrary<Condition> = fc
  .tuple(fieldPath, fc.constantFrom<Operator>(...OPERATORS), anyValue)
  .map(([field, operator, value]) => ({ field, operator, value: VALUELESS.has(operator) ? '' : value }));
const parsedQuery: fc.Arbitrary<ParsedQuery> = fc.record({
  groups: fc.array(
    fc.array(fc.array(condition, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    {
      maxLength: 3,
    },
  ),
  orderBy: fc.array(fc.record({ field: fieldPath, descending: fc.boolean() }), { maxLength: 2 }),
});

/** `a<` then `=1` reads back as `a<=1`: the one thing the grammar cannot write (encodeCondition). */
const writable = (query: ParsedQuery) =>
  query.groups.flat(2).every((c) => !((c.operator === '<' || c.operator === '>') && c.value.startsWith('=')));

describe('encoded-query properties', () => {
  it('parses any text or refuses it with a RecordError that reads as a sentence', () => {
    fc.assert(
      fc.property(anyQueryText, (text) => {
        const result = attempt(text);
        if (typeof result === 'string') {
          expect(result).toMatch(PARSE_REFUSAL);
          return;
        }
        // What it gives back is what the grammar allows, and nothing empty.
        for (const group of result.groups) {
          expect(group.length).toBeGreaterThan(0);
          for (const anyOf of group) {
            expect(anyOf.length).toBeGreaterThan(0);
            for (const c of anyOf) {
              expect(isFieldPath(c.field), c.field).toBe(true);
              expect(OPERATORS).toContain(c.operator);
              if (VALUELESS.has(c.operator)) expect(c.value).toBe('');
            }
          }
        }
        for (const order of result.orderBy) expect(isFieldPath(order.field), order.field).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('cuts text into parts that give the text back: single ^ between them, ^^ within', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(30), fc.stringMatching(/^[a=^]{0,30}$/)), (text) => {
        const parts = splitParts(text);
        expect(parts.map((p) => p.raw).join('^')).toBe(text);
        for (const { raw, text: value } of parts) {
          // Within a part every ^ is one of a pair, so the part holds no separator.
          expect(raw.replaceAll('^^', '')).not.toContain('^');
          expect(value).toBe(raw.replaceAll('^^', '^'));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads back what encodeQuery writes, and refuses only what the grammar cannot write', () => {
    fc.assert(
      fc.property(parsedQuery, (query) => {
        if (!writable(query)) {
          expect(() => encodeQuery(query)).toThrow(/^cannot encode .* cannot start with =$/);
          return;
        }
        expect(parseEncodedQuery(encodeQuery(query))).toEqual(query);
      }),
      { numRuns: 500 },
    );
  });

  it('writes any parsed text in a form that parses to the same query, and is its own normal form', () => {
    fc.assert(
      fc.property(anyQueryText, (text) => {
        const parsed = attempt(text);
        if (typeof parsed === 'string') return;
        const written = encodeQuery(parsed);
        expect(parseEncodedQuery(written)).toEqual(parsed);
        expect(encodeQuery(parseEncodedQuery(written))).toBe(written);
      }),
      { numRuns: 500 },
    );
  });
});
