import { describe, expect, it } from 'vitest';
import { formatRuleFile, parseRuleFile } from '../../server/rules/rule-file.ts';
import { ruleName } from '../../server/rules/rule-name.ts';
import { readRuleDirectory, SHIPPED_RULES_DIR } from '../../server/rules/shipped.ts';

describe('rule files', () => {
  it('reads the shipped rules with their metadata', () => {
    const rules = readRuleDirectory(SHIPPED_RULES_DIR);
    const main = rules.find((r) => r.name === 'CTIProcessing');
    expect(main).toMatchObject({ clientCallable: true, active: true });
    expect(main!.script).not.toContain('@rule');
  });

  it('round-trips a rule through its file form', () => {
    const rule = {
      name: 'myRule',
      description: 'Pops */ things',
      clientCallable: false,
      active: true,
      script: 'answer = "x";\n',
    };
    const parsed = parseRuleFile(formatRuleFile(rule), 'myRule.js');
    expect(parsed).toEqual({ ...rule, description: 'Pops * / things' });
  });

  it.each([
    ['answer = 1;', 'x.js: the file must start with a /** … */ block holding @rule <name>'],
    ['/**\n * @description no name\n */\nanswer = 1;', 'x.js: @rule'],
    ['/**\n * @rule 1bad\n */\n', 'x.js: @rule must be a JavaScript identifier'],
    ['/**\n * @rule ok\n * @active maybe\n */\n', 'x.js: @active must be true or false'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRuleFile(text, 'x.js')).toThrow(message);
  });
});

describe('rule names', () => {
  it.each(['CTIProcessing', 'ctiRecordTaskCall', '_private', '$x'])('accepts %s', (name) => {
    expect(ruleName.safeParse(name).success).toBe(true);
  });
  it.each([
    '',
    '1st',
    'has space',
    'dash-ed',
    'GlideRecord',
    'gs',
    'answer',
    'delete',
    'Object',
    'sysparm_x',
    'x'.repeat(81),
  ])('refuses %j', (name) => {
    expect(ruleName.safeParse(name).success).toBe(false);
  });
});
