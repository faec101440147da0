/** The readers of `ctihost import`: one record at a time, each with its position; no database. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOf, readRecords, type SourceRow } from '../../server/cli/import/record-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'ctihost-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, text: string): Promise<SourceRow[]> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const rows: SourceRow[] = [];
  for await (const row of readRecords(file, formatOf(file)!)) rows.push(row);
  return rows;
}

describe('record sources', () => {
  it('reads CSV by its header, with a BOM, quoted commas and newlines, CRLF, and names broken rows', async () => {
    const rows = await read(
      'a.csv',
      '\uFEFF"user_name","name","title"\r\n"a","Ann, Jr.","x"\r\n\r\n"b","Bob","multi\r\nline"\r\n"c","too","many","values"\r\n"d","Dee",""\r\n',
    );
    expect(rows).toEqual([
      { position: 'line 2', record: { user_name: 'a', name: 'Ann, Jr.', title: 'x' } },
      { position: 'line 4', record: { user_name: 'b', name: 'Bob', title: 'multi\r\nline' } },
      { position: 'line 6', unreadable: 'expected 3 values as in the header, found 4' },
      { position: 'line 7', record: { user_name: 'd', name: 'Dee', title: '' } },
    ]);
  });

  it('reads a top-level JSON array, and the records or result array of a ServiceNow export', async () => {
    expect(await read('a.json', '[{"a":1},{"b":{"c":[2]}}]')).toEqual([
      { position: 'record 1', record: { a: 1 } },
      { position: 'record 2', record: { b: { c: [2] } } },
    ]);
    expect(await read('b.json', '{"records":[{"a":1}]}')).toEqual([
      { position: 'record 1', record: { a: 1 } },
    ]);
    expect(await read('c.json', '{"result":[{"a":2}],"other":[{"z":0}]}')).toEqual([
      { position: 'record 1', record: { a: 2 } },
    ]);
  });

  it('reads NDJSON by line, skipping blank lines and naming lines that are not JSON', async () => {
    expect(await read('a.ndjson', '{"a":1}\n\n{oops\n{"a":3}\n')).toEqual([
      { position: 'line 1', record: { a: 1 } },
      { position: 'line 3', unreadable: expect.stringMatching(/^not JSON: /) },
      { position: 'line 4', record: { a: 3 } },
    ]);
  });

  it('tells formats by extension', () => {
    expect([
      formatOf('a.CSV'),
      formatOf('b.json'),
      formatOf('c.ndjson'),
      formatOf('d.jsonl'),
      formatOf('e.txt'),
    ]).toEqual(['csv', 'json', 'ndjson', 'ndjson', null]);
  });
});
