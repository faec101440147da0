import { describe, expect, it } from 'vitest';
import {
  type Condition,
  encodeCondition,
  encodeQuery,
  type Operator,
  type ParsedQuery,
  parseEncodedQuery,
  splitParts,
} from '../../server/records/encoded-query.ts';
import { RecordError } from '../../server/records/types.ts';

const c = (field: string, operator: Operator, value = ''): Condition => ({ field, operator, value });
const and = (...conditions: Condition[]): ParsedQuery => ({
  groups: [conditions.map((x) => [x])],
  orderBy: [],
});

describe('parseEncodedQuery: what it reads', () => {
  const cases: [string, ParsedQuery][] = [
    ['', { groups: [], orderBy: [] }],
    ['active=true', and(c('active', '=', 'true'))],
    ['active=true^priority<=2', and(c('active', '=', 'true'), c('priority', '<=', '2'))],
    [
      'a!=1^b>2^c>=3^d<4^e<=5',
      and(c('a', '!=', '1'), c('b', '>', '2'), c('c', '>=', '3'), c('d', '<', '4'), c('e', '<=', '5')),
    ],
    ['stateIN1,2,3^priorityNOT IN4,5', and(c('state', 'IN', '1,2,3'), c('priority', 'NOT IN', '4,5'))],
    [
      'nameSTARTSWITHab^nameENDSWITHer^nameCONTAINSbe^nameDOESNOTCONTAINzz^nameLIKEx^nameNOT LIKEy',
      and(
        c('name', 'STARTSWITH', 'ab'),
        c('name', 'ENDSWITH', 'er'),
        c('name', 'CONTAINS', 'be'),
        c('name', 'DOESNOTCONTAIN', 'zz'),
        c('name', 'LIKE', 'x'),
        c('name', 'NOT LIKE', 'y'),
      ),
    ],
    ['phoneISEMPTY^emailISNOTEMPTY', and(c('phone', 'ISEMPTY'), c('email', 'ISNOTEMPTY'))],
    ['caller_id.name=Abel Tuter', and(c('caller_id.name', '=', 'Abel Tuter'))],
    ['a=', and(c('a', '=', ''))],
    ['a==b', and(c('a', '=', '=b'))],
    // OR binds tighter than AND.
    ['a=1^ORb=2^c=3', { groups: [[[c('a', '=', '1'), c('b', '=', '2')], [c('c', '=', '3')]]], orderBy: [] }],
    ['a=1^b=2^ORc=3', { groups: [[[c('a', '=', '1')], [c('b', '=', '2'), c('c', '=', '3')]]], orderBy: [] }],
    [
      'a=1^NQb=2^ORc=3',
      { groups: [[[c('a', '=', '1')]], [[c('b', '=', '2'), c('c', '=', '3')]]], orderBy: [] },
    ],
    [
      'ORDERBYname^active=true^ORDERBYDESCopened_at',
      {
        groups: [[[c('active', '=', 'true')]]],
        orderBy: [
          { field: 'name', descending: false },
          { field: 'opened_at', descending: true },
        ],
      },
    ],
    ['ORDERBYdescription', { groups: [], orderBy: [{ field: 'description', descending: false }] }],
    ['ORDERBYcaller_id.name', { groups: [], orderBy: [{ field: 'caller_id.name', descending: false }] }],
    // `^^` is a literal `^`, greedily: `x^^^b=1` is "x^" then a new part.
    ['a=x^^y', and(c('a', '=', 'x^y'))],
    ['a=x^^^b=1', and(c('a', '=', 'x^'), c('b', '=', '1'))],
    ['a=^^ORb=2', and(c('a', '=', '^ORb=2'))],
    ['a=x^^', and(c('a', '=', 'x^'))],
    // Empty parts and ServiceNow's trailing ^EQ are ignored.
    ['active=true^', and(c('active', '=', 'true'))],
    ['^active=true^^EQ', and(c('active', '=', 'true^EQ'))],
    ['active=true^EQ', and(c('active', '=', 'true'))],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parseEncodedQuery(text)).toEqual(expected);
  });
});

describe('parseEncodedQuery: what it refuses', () => {
  const cases: [string, string][] = [
    ['=x', "invalid encoded query part '=x': expected a field name (lower case) before the operator"],
    ['Name=x', "invalid encoded query part 'Name=x': expected a field name (lower case) before the operator"],
    ['name~x', "invalid encoded query part 'name~x': unknown operator after 'name'"],
    [
      'active=true^nameBETWEENa@b',
      "invalid encoded query part 'nameBETWEENa@b': unknown operator after 'name'",
    ],
    ['name', "invalid encoded query part 'name': unknown operator after 'name'"],
    [
      'name;drop table x=1',
      "invalid encoded query part 'name;drop table x=1': unknown operator after 'name'",
    ],
    [
      '"name"=x',
      `invalid encoded query part '"name"=x': expected a field name (lower case) before the operator`,
    ],
    ['phoneISEMPTYyes', "invalid encoded query part 'phoneISEMPTYyes': ISEMPTY takes no value"],
    ['ORa=1', "invalid encoded query part 'ORa=1': there is no condition before it to OR with"],
    ['a=1^NQ^ORb=2', "invalid encoded query part 'ORb=2': there is no condition before it to OR with"],
    ['ORDERBY', "invalid encoded query part 'ORDERBY': expected a field name to order by"],
    [
      'ORDERBYDESCname;x',
      "invalid encoded query part 'ORDERBYDESCname;x': expected a field name to order by",
    ],
    ['a=1^OR=2', "invalid encoded query part 'OR=2': expected a field name (lower case) before the operator"],
    ['a.=1', "invalid encoded query part 'a.=1': unknown operator after 'a'"],
  ];
  it.each(cases)('%j', (text, message) => {
    expect(() => parseEncodedQuery(text)).toThrow(new RecordError(message));
    expect(() => parseEncodedQuery(text)).toThrow(RecordError);
  });
});

describe('encoding', () => {
  it('escapes ^ so values round-trip exactly', () => {
    const values = ['x^y', '^', '^^', 'a^ORb=1', 'x^NQy', '^ORDERBYname', 'a,b', "O'Brien\\%_", ''];
    for (const value of values) {
      const text = encodeCondition('name', '=', value);
      expect(parseEncodedQuery(text), text).toEqual(and(c('name', '=', value)));
    }
    expect(encodeCondition('name', '=', 'x^y')).toBe('name=x^^y');
    expect(encodeCondition('phone', 'ISEMPTY', '')).toBe('phoneISEMPTY');
  });

  it('gives back canonical text as it was written', () => {
    const texts = [
      'active=true^priority<=2^ORpriority=5',
      'a=1^ORb=2^c=3^NQd=x^^y^ORe!=^ORDERBYDESCopened_at^ORDERBYname',
      'stateNOT IN6,7^caller_id.nameSTARTSWITHAbel^short_descriptionLIKEvpn^emailISNOTEMPTY',
      'ORDERBYnumber',
      '',
    ];
    for (const text of texts) expect(encodeQuery(parseEncodedQuery(text))).toBe(text);
  });

  it('round-trips an AST', () => {
    const ast: ParsedQuery = {
      groups: [
        [[c('a', '=', '^^'), c('b', 'CONTAINS', '^x^')], [c('c', 'ISEMPTY')]],
        [[c('d', 'IN', 'a^b,c')]],
      ],
      orderBy: [{ field: 'a', descending: true }],
    };
    expect(parseEncodedQuery(encodeQuery(ast))).toEqual(ast);
  });

  it('refuses what the grammar cannot write', () => {
    expect(() => encodeCondition('Name', '=', 'x')).toThrow(
      new RecordError("cannot encode the field 'Name': expected a lower-case field name"),
    );
    expect(() => encodeCondition('a^b', '=', 'x')).toThrow(RecordError);
    expect(() => encodeCondition('a', 'LIKE%' as Operator, 'x')).toThrow(
      new RecordError("cannot encode the operator 'LIKE%'"),
    );
    expect(() => encodeCondition('a', '<', '=1')).toThrow(
      new RecordError('cannot encode a<=1: a value after < cannot start with ='),
    );
    expect(() => encodeQuery({ groups: [], orderBy: [{ field: 'x;y', descending: false }] })).toThrow(
      RecordError,
    );
  });
});

describe('splitParts: the cut into parts', () => {
  /** The splitter as it was first written, character by character: the reference. */
  function splitByCharacter(text: string): { raw: string; text: string }[] {
    const parts: { raw: string; text: string }[] = [];
    let raw = '';
    let value = '';
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '^' && text[i + 1] === '^') {
        raw += '^^';
        value += '^';
        i++;
      } else if (text[i] === '^') {
        parts.push({ raw, text: value });
        raw = '';
        value = '';
      } else {
        raw += text[i];
        value += text[i];
      }
    }
    parts.push({ raw, text: value });
    return parts;
  }

  it('cuts every string of up to 9 characters of a, = and ^ as the reference does', () => {
    let checked = 0;
    for (let length = 0; length <= 9; length++) {
      for (let n = 0; n < 3 ** length; n++) {
        let text = '';
        for (let k = 0, rest = n; k < length; k++, rest = Math.floor(rest / 3)) text += 'a=^'[rest % 3];
        const got = splitParts(text);
        const want = splitByCharacter(text);
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ text, got }).toEqual({ text, got: want });
        checked += 1;
      }
    }
    expect(checked).toBe(29_524);
  });
});
