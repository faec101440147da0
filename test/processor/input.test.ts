import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../../server/processor/answer-check.ts';
import { phoneMasker } from '../../server/processor/call-log.ts';
import { PARAM_LIMITS, readCallParams } from '../../server/processor/params.ts';

describe('call parameters, read the forgiving way', () => {
  it('restores a phone whose leading + arrived as a space', () => {
    expect(readCallParams('sysparm_caller_phone=+14155550142')).toEqual({
      params: { sysparm_caller_phone: '+14155550142' },
      notes: [],
    });
    expect(readCallParams('sysparm_caller_phone=%2B14155550142')).toHaveProperty('params', {
      sysparm_caller_phone: '+14155550142',
    });
  });

  it('takes names in any case and the first of repeated parameters, and says so', () => {
    const read = readCallParams('SYSPARM_CALLER_NAME=Abel%20Tuter&Sysparm_Caller_Name=Someone&other=x');
    expect(read).toEqual({
      params: { sysparm_caller_name: 'Abel Tuter' },
      notes: ['sysparm_caller_name: repeated, the first value was used'],
    });
  });

  it.each([
    [
      Array.from({ length: PARAM_LIMITS.count + 1 }, (_, i) => `sysparm_p${i}=1`).join('&'),
      `more than ${PARAM_LIMITS.count} parameters`,
    ],
    [
      `sysparm_caller_name=${'x'.repeat(PARAM_LIMITS.valueLength + 1)}`,
      'sysparm_caller_name is longer than 2048 characters',
    ],
    [`sysparm_${'x'.repeat(PARAM_LIMITS.nameLength)}=1`, 'a parameter name is longer than 64 characters'],
    ['x'.repeat(PARAM_LIMITS.queryLength + 1), 'the query string is longer than'],
  ])('refuses a call past its limits (%#)', (query, problem) => {
    const read = readCallParams(query);
    expect('problem' in read && read.problem).toContain(problem);
  });
});

describe('answers', () => {
  const origins = ['https://crm.example.com'];
  it.each([
    [
      'incident.do?sys_id=-1&sysparm_query=caller_id=1^priority=1',
      '/incident.do?sys_id=-1&sysparm_query=caller_id=1^priority=1',
    ],
    ['/sys_user.do?sys_id=abc&sysparm_view=cti', '/sys_user.do?sys_id=abc&sysparm_view=cti'],
    ['https://crm.example.com/case/1', 'https://crm.example.com/case/1'],
    ['  task.do?sys_id=1  ', '/task.do?sys_id=1'],
  ])('accepts %s', (answer, location) => {
    expect(checkAnswer(answer, origins)).toEqual({ ok: true, location });
  });

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'java\tscript:alert(1)',
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    'https://crm.example.com.evil.example/',
    'data:text/html,<script>alert(1)</script>',
    'http://crm.example.com/',
    '',
  ])('refuses %j', (answer) => {
    expect(checkAnswer(answer, origins).ok).toBe(false);
  });
});

describe('phone masking in the call log', () => {
  it('masks every form of the call phone, wherever it appears', () => {
    const mask = phoneMasker({ sysparm_caller_phone: '(415) 555-0142', sysparm_caller_name: 'Abel' }, 'US');
    const trace = mask({
      params: { sysparm_caller_phone: '(415) 555-0142' },
      reads: [{ query: 'phone=(415) 555-0142^ORmobile_phone=+14155550142', rows: 1 }],
      logs: [{ message: 'calling 4155550142 / 14155550142' }],
    });
    const text = JSON.stringify(trace);
    for (const full of ['(415) 555-0142', '+14155550142', '4155550142', '14155550142'])
      expect(text).not.toContain(full);
    expect(text).toContain('0142');
    expect(trace.params.sysparm_caller_phone).toBe('******0142');
  });

  it('masks an encoded phone inside a URL, every occurrence, and leaves text without digits alone', () => {
    const mask = phoneMasker({ sysparm_caller_phone: '+1 (415) 555-0142' }, 'US');
    expect(mask('incident.do?sysparm_query=u_phone%3D%2B14155550142&x=%2B14155550142')).toBe(
      'incident.do?sysparm_query=u_phone%3D********0142&x=********0142',
    );
    expect(mask('a.b (c) [d] +e?')).toBe('a.b (c) [d] +e?');
    expect(mask('+1 (415) 555-0142 and 415.555.0142 and 555-0199')).not.toMatch(/415/);
    expect(mask('+1 (415) 555-0142 and 555-0199')).toContain('555-0199');
  });

  it('masks the same number written another way, with or without its country code', () => {
    const mask = phoneMasker({ sysparm_caller_phone: '+1 415 555 0142' }, 'US');
    const logged = mask('found (415) 555-0142, mobile 415.555.0142, intl 001-415-555-0142, desk 555-0199');
    expect(logged).not.toMatch(/555.0142/);
    expect(logged).toContain('0142');
    expect(logged).toContain('desk 555-0199');
    expect(mask('opened 2026-11-24 10:00, priority 2')).toBe('opened 2026-11-24 10:00, priority 2');
  });

  it('matches the forms of the phone literally: a dot in the number is no wildcard', () => {
    const mask = phoneMasker({ sysparm_caller_phone: '+1.415.555.0142' }, 'US');
    expect(mask('q=+1.415.555.0142^x=+1.415.555.0142')).toBe('q=*******0142^x=*******0142');
    // The same digits joined by a letter are neither the number as given nor a written number.
    expect(mask('ref +1x415x555x0142')).toBe('ref +1x415x555x0142');
  });
});
