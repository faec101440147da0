/**
 * Reads made ahead (server/sandbox/read-ahead.ts): a rule's call-dependent selects start as its next
 * run starts, and the rule takes them only when it makes the very same request.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RecordReader, SelectRequest } from '../../server/records/types.ts';
import { defaultHandlers } from '../../server/sandbox/host-calls.ts';
import { MAX_GIVEN_JSON, ReadAhead, requestKey } from '../../server/sandbox/read-ahead.ts';
import type { RunRead } from '../../server/sandbox/types.ts';
import { fakeReader, rule, show, TEST_LIMITS, testHost } from './fixtures.ts';

const select = (query: string, limit = 1001): SelectRequest => ({ table: 'sys_user', query, limit });

/** Read ahead after one call of rule R by 'User 4' that selected its caller by name. */
function learntLookup(reader: RecordReader): ReadAhead {
  const ahead = new ReadAhead();
  const first = ahead.start('R', { sysparm_caller_id: 'User 4' }, reader);
  first.take(select('name=User 4'));
  ahead.learn('R', { sysparm_caller_id: 'User 4' }, first);
  return ahead;
}

function countingReader() {
  const selects: string[] = [];
  const reader: RecordReader = {
    ...fakeReader,
    select: vi.fn(async (request: SelectRequest) => {
      selects.push(request.query);
      return fakeReader.select(request);
    }),
  };
  return { reader, selects };
}

describe('read-ahead templates', () => {
  it("starts the last run's call-dependent selects with the new call's values, and hands each out once", async () => {
    const { reader, selects } = countingReader();
    const ahead = new ReadAhead();
    const first = ahead.start('R', { sysparm_caller_id: 'User 4' }, reader);
    expect(first.take(select('name=User 4'))).toBeUndefined();
    first.take(select('active=true'));
    ahead.learn('R', { sysparm_caller_id: 'User 4' }, first);

    const second = ahead.start('R', { sysparm_caller_id: 'User 6' }, reader);
    // Only the select that held the call's value is made ahead, with the new value.
    expect(selects).toEqual(['name=User 6']);
    expect(second.take(select('name=User 4'))).toBeUndefined();
    expect(second.take(select('name=User 6', 50)), 'another limit is another request').toBeUndefined();
    const rows = second.take(select('name=User 6'));
    expect(await rows).toEqual([{ sys_id: 'u6', name: 'User 6', active: true }]);
    expect(second.take(select('name=User 6')), 'taken once').toBeUndefined();
  });

  it('ignores values too short to be told from the rest of a query', () => {
    const { reader, selects } = countingReader();
    const ahead = new ReadAhead();
    const run = ahead.start('R', { sysparm_caller_id: 'tru' }, reader);
    run.take(select('active=true'));
    ahead.learn('R', { sysparm_caller_id: 'tru' }, run);
    ahead.start('R', { sysparm_caller_id: 'fals' }, reader);
    expect(selects).toEqual([]);
  });

  it('stops handing out reads made ahead after a privileged call', () => {
    const { reader } = countingReader();
    const next = learntLookup(reader).start('R', { sysparm_caller_id: 'User 8' }, reader);
    next.stop();
    expect(next.take(select('name=User 8'))).toBeUndefined();
  });

  it('drops a template its runs stop needing, after forgiving one miss of one needed twice', () => {
    const { reader, selects } = countingReader();
    const ahead = new ReadAhead();
    const runWith = (value: string, queries: string[]) => {
      const run = ahead.start('R', { sysparm_caller_id: value }, reader);
      for (const query of queries) run.take(select(query));
      ahead.learn('R', { sysparm_caller_id: value }, run);
    };
    runWith('User 1', ['name=User 1']);
    runWith('User 2', ['name=User 2']); // needed twice
    runWith('User 3', []); // missed once: kept, made ahead for the next run
    selects.length = 0;
    runWith('User 5', []); // missed again: dropped
    expect(selects).toEqual(['name=User 5']);
    selects.length = 0;
    ahead.start('R', { sysparm_caller_id: 'User 7' }, reader);
    expect(selects).toEqual([]);
  });

  it('keeps a read made ahead that failed to itself unless the rule makes it', async () => {
    const failing: RecordReader = { ...fakeReader, select: () => Promise.reject(new Error('down')) };
    const next = learntLookup(failing).start('R', { sysparm_caller_id: 'User 8' }, failing);
    await new Promise((resolve) => setTimeout(resolve, 5)); // no unhandled rejection meanwhile
    await expect(next.take(select('name=User 8'))).rejects.toThrow('down');
  });
});

describe('read-ahead in the sandbox host', () => {
  const { reader, selects } = countingReader();
  const host = testHost({ isolates: 1, reader });
  afterAll(() => host.close());
  const LOOKUP = `var u = new GlideRecord('sys_user'); u.addQuery('name', sysparm_caller_name); u.query();
    answer = u.next() ? '/sys_user.do?sys_id=' + u.sys_id : '/none';`;

  it("answers each call with its own caller's rows, the database asked once per call", async () => {
    for (const [i, name] of ['User 2', 'User 4', 'User 6', 'User 3'].entries()) {
      selects.length = 0;
      const running = host.run(rule(LOOKUP, 'Lookup'), { sysparm_caller_name: name });
      // Made ahead: asked as the run starts, before the rule could have asked.
      expect(selects, `call ${i} as it starts`).toEqual(i === 0 ? [] : [`name=${name}`]);
      const result = await running;
      expect(result.answer, show(result)).toBe(`/sys_user.do?sys_id=u${name.slice(5)}`);
      expect(result.reads, show(result)).toEqual([{ table: 'sys_user', query: `name=${name}`, rows: 1 }]);
      // From the second call on, the one select was made ahead, and the rule took it.
      expect(selects, `call ${i}`).toEqual([`name=${name}`]);
    }
  });

  it('makes no read ahead for a run on a reader of its own (a privileged transaction)', async () => {
    const own = countingReader();
    selects.length = 0;
    const result = await host.run(
      rule(LOOKUP, 'Lookup'),
      { sysparm_caller_name: 'User 8' },
      { reader: own.reader },
    );
    expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=u8');
    expect(selects).toEqual([]);
    expect(own.selects).toEqual(['name=User 8']);
  });

  it('asks the database again for a select made after a privileged call, and learns nothing from it', async () => {
    const counted = countingReader();
    const withCall = testHost({ isolates: 1, reader: counted.reader, handlers: { call: () => 'done' } });
    const options = { functions: ['Helper'] };
    try {
      // The first call takes the path that looks the caller up at once: its select is learnt.
      const script = `if (sysparm_query != 'call first') { ${LOOKUP} } else { var done = Helper(); ${LOOKUP} }`;
      await withCall.run(rule(script, 'Calls'), { sysparm_caller_name: 'User 2' }, options);
      counted.selects.length = 0;
      const params = { sysparm_caller_name: 'User 4', sysparm_query: 'call first' };
      const result = await withCall.run(rule(script, 'Calls'), params, options);
      expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=u4');
      // Made ahead, then not taken after the call: asked again.
      expect(counted.selects).toEqual(['name=User 4', 'name=User 4']);
      counted.selects.length = 0;
      await withCall.run(rule(script, 'Calls'), { ...params, sysparm_caller_name: 'User 6' }, options);
      // The template, needed once, was dropped after that miss; the select after the call taught nothing.
      expect(counted.selects).toEqual(['name=User 6']);
    } finally {
      await withCall.close();
    }
  });
});

describe("reads handed in with the run's start", () => {
  /** A host whose select handler counts the selects that left the isolate. */
  function countingHost(options: Parameters<typeof testHost>[0] = {}) {
    const counted = countingReader();
    const hostSelects: string[] = [];
    const host = testHost({
      isolates: 1,
      reader: counted.reader,
      ...options,
      handlers: {
        select: (payload, trace, deps) => {
          hostSelects.push(payload.query);
          return defaultHandlers.select(payload, trace, deps);
        },
      },
    });
    return { host, hostSelects, readerSelects: counted.selects };
  }
  const lookup = (who: string, limit = '') =>
    `var u = new GlideRecord('sys_user'); u.addQuery('name', ${who}); ${limit} u.query();`;

  it('answers a select made ahead inside the isolate, with no host call, traced where the rule made it', async () => {
    const { host, hostSelects, readerSelects } = countingHost();
    try {
      const script = `var a = new GlideRecord('sys_user'); a.addQuery('name', 'User 10'); a.query();
        ${lookup('sysparm_caller_name', 'u.setLimit(5);')}
        var b = new GlideRecord('sys_user'); b.addQuery('name', 'User 12'); b.query();
        answer = u.next() ? '/sys_user.do?sys_id=' + u.sys_id : '/none';`;
      await host.run(rule(script, 'Ahead'), { sysparm_caller_name: 'User 2' });
      hostSelects.length = 0;
      readerSelects.length = 0;
      const result = await host.run(rule(script, 'Ahead'), { sysparm_caller_name: 'User 4' });
      expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=u4');
      expect(readerSelects.sort()).toEqual(['name=User 10', 'name=User 12', 'name=User 4']);
      expect(hostSelects, 'the lookup by the call never left the isolate').toEqual([
        'name=User 10',
        'name=User 12',
      ]);
      expect(result.reads.map((read) => read.query)).toEqual(['name=User 10', 'name=User 4', 'name=User 12']);
    } finally {
      await host.close();
    }
  });

  it('counts a read taken in the isolate as a host call', async () => {
    const { host } = countingHost({ limits: { ...TEST_LIMITS, hostCalls: 3 } });
    try {
      const script = (logs: number) =>
        `${lookup('sysparm_caller_name')} for (var i = 0; i < ${logs}; i++) gs.log('line ' + i); answer = '/x';`;
      await host.run(rule(script(2), 'Counted'), { sysparm_caller_name: 'User 2' });
      const within = await host.run(rule(script(2), 'Counted'), { sysparm_caller_name: 'User 4' });
      expect(within.answer, show(within)).toBe('/x');
      await host.run(rule(script(3), 'Counted'), { sysparm_caller_name: 'User 2' });
      const over = await host.run(rule(script(3), 'Counted'), { sysparm_caller_name: 'User 4' });
      expect(over.error?.code, show(over)).toBe('RULE_HOST_CALLS');
    } finally {
      await host.close();
    }
  });

  it('never lets a run take what was handed to an earlier run', async () => {
    const { host, hostSelects } = countingHost();
    try {
      const script = `if (sysparm_query != 'skip') { ${lookup('sysparm_caller_name')} }
        if (sysparm_query == 'again') { ${lookup("'User 4'")} }
        answer = u && u.next() ? '/sys_user.do?sys_id=' + u.sys_id : '/none';`;
      // Needed twice, the template survives one run that skips it.
      await host.run(rule(script, 'Handed'), { sysparm_caller_name: 'User 2' });
      await host.run(rule(script, 'Handed'), { sysparm_caller_name: 'User 8' });
      // Handed name=User 4, not taken.
      await host.run(rule(script, 'Handed'), { sysparm_caller_name: 'User 4', sysparm_query: 'skip' });
      hostSelects.length = 0;
      const result = await host.run(rule(script, 'Handed'), {
        sysparm_caller_name: 'User 6',
        sysparm_query: 'again',
      });
      expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=u4');
      expect(hostSelects, "the earlier run's read was not there to take").toEqual(['name=User 4']);
    } finally {
      await host.close();
    }
  });

  it("leaves the isolate to other calls while a run's reads made ahead are out", async () => {
    let released = false;
    let release!: () => void;
    const out = new Promise<void>((resolve) => {
      release = () => {
        released = true;
        resolve();
      };
    });
    const slow: RecordReader = {
      ...fakeReader,
      select: async (request) => {
        if (request.query === 'name=User 4') await out;
        return fakeReader.select(request);
      },
    };
    const host = testHost({ isolates: 1, reader: slow });
    // Without the fix the other call waits for this (the isolate held through the read).
    const safety = setTimeout(release, 1000);
    try {
      const script = `${lookup('sysparm_caller_name')} answer = u.next() ? '/sys_user.do?sys_id=' + u.sys_id : '/none';`;
      await host.run(rule(script, 'Slow'), { sysparm_caller_name: 'User 2' });
      const slowCall = host.run(rule(script, 'Slow'), { sysparm_caller_name: 'User 4' });
      const other = await host.run(rule("answer = '/other';", 'Other'), {});
      expect(other.answer, show(other)).toBe('/other');
      expect(released, "answered while the first call's read was still out").toBe(false);
      release();
      const result = await slowCall;
      expect(result.answer, show(result)).toBe('/sys_user.do?sys_id=u4');
      expect(result.reads).toEqual([{ table: 'sys_user', query: 'name=User 4', rows: 1 }]);
    } finally {
      clearTimeout(safety);
      await host.close();
    }
  });

  it('starts the run without a read made ahead that is still out', async () => {
    const hanging: RecordReader = {
      ...fakeReader,
      select: (request) =>
        request.query === 'name=User 4' ? new Promise(() => {}) : fakeReader.select(request),
    };
    const host = testHost({ isolates: 1, reader: hanging });
    try {
      const script = `if (sysparm_query != 'skip') { ${lookup('sysparm_caller_name')} } answer = '/done';`;
      await host.run(rule(script, 'Hanging'), { sysparm_caller_name: 'User 2' });
      const started = performance.now();
      const result = await host.run(rule(script, 'Hanging'), {
        sysparm_caller_name: 'User 4',
        sysparm_query: 'skip',
      });
      expect(result.answer, show(result)).toBe('/done');
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await host.close();
    }
  });

  it('hands in no read with more rows than a rule may read: the select fails as before', async () => {
    const { host, hostSelects } = countingHost({ limits: { ...TEST_LIMITS, maxRows: 10 } });
    try {
      const script = `var u = new GlideRecord('sys_user'); u.addQuery('active', sysparm_caller_name); u.query(); answer = '/x';`;
      for (const _ of [1, 2]) {
        const result = await host.run(rule(script, 'Many'), { sysparm_caller_name: 'true' });
        expect(result.error?.code, show(result)).toBe('RULE_ROWS');
      }
      expect(hostSelects).toEqual(['active=true', 'active=true']);
    } finally {
      await host.close();
    }
  });

  it('hands in no more rows than MAX_GIVEN_JSON: a larger read is taken through the host', async () => {
    const long = 'x'.repeat(MAX_GIVEN_JSON);
    const big: RecordReader = {
      ...fakeReader,
      select: async (request) => (await fakeReader.select(request)).map((row) => ({ ...row, name: long })),
    };
    const { host, hostSelects } = countingHost({ reader: big });
    try {
      const script = `${lookup('sysparm_caller_name')} answer = u.next() ? '/' + u.sys_id + '/' + u.getValue('name').length : '/none';`;
      await host.run(rule(script, 'Big'), { sysparm_caller_name: 'User 2' });
      hostSelects.length = 0;
      const result = await host.run(rule(script, 'Big'), { sysparm_caller_name: 'User 4' });
      expect(result.answer, show(result)).toBe(`/u4/${long.length}`);
      expect(hostSelects).toEqual(['name=User 4']);
      expect(result.reads).toEqual([{ table: 'sys_user', query: 'name=User 4', rows: 1 }]);
    } finally {
      await host.close();
    }
  });

  it('accepts only reports of reads it handed out, each once', async () => {
    const { reader } = countingReader();
    const ahead = learntLookup(reader);
    const run = ahead.start('R', { sysparm_caller_id: 'User 6' }, reader);
    const given = await run.handOut(1000, 50);
    expect(given).toEqual([{ key: requestKey(select('name=User 6')), rowsJson: expect.any(String) }]);
    expect(JSON.parse(given[0]!.rowsJson)).toEqual([expect.objectContaining({ sys_id: 'u6' })]);
    const key = given[0]!.key;
    const reads: RunRead[] = [{ table: 'sys_user', query: 'active=true', rows: 3 }];
    expect(run.acceptTaken(JSON.stringify([{ at: 0, key }]), reads)).toBe(1);
    expect(reads.map((read) => read.query)).toEqual(['name=User 6', 'active=true']);
    expect(() => run.acceptTaken(JSON.stringify([{ at: 0, key }]), reads)).toThrow('not handed');
    expect(() => run.acceptTaken(JSON.stringify([{ at: 0, key: 'other' }]), reads)).toThrow('not handed');
    expect(() => run.acceptTaken('[{"at":-1}]', reads)).toThrow();
  });
});
