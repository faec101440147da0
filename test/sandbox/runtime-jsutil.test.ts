/** JSUtil, which old scripts use for their null checks. */
import { expect, test } from 'vitest';
import { answerOf } from './runtime-harness.ts';

test.each([
  [
    "JSUtil.nil(null) + ',' + JSUtil.nil('') + ',' + JSUtil.nil('x') + ',' + JSUtil.nil(undefined)",
    'true,true,false,true',
  ],
  [
    "JSUtil.notNil(sysparm_caller_name) + ',' + JSUtil.has(sysparm_view) + ',' + JSUtil.doesNotHave(sysparm_view)",
    'false,false,true',
  ],
])('%s', (expression, expected) => {
  expect(answerOf(`answer = ${expression};`)).toBe(expected);
});

test('sees through an empty field', () => {
  expect(
    answerOf(
      "var u = new GlideRecord('sys_user'); u.get('user_name', 'abel.tuter'); answer = JSUtil.nil(u.mobile_phone) + ',' + JSUtil.notNil(u.name);",
    ),
  ).toBe('true,true');
});
