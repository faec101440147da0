/**
 * Records read from a file one at a time, never the whole file in memory: CSV (csv-parse, the first
 * row names the fields, as a ServiceNow export writes them), NDJSON (one record a line) and JSON
 * (stream-json: a top-level array, or ServiceNow's `{"records": […]}` / `{"result": […]}`).
 * Each record carries where it was, for the summary of rejected rows.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import chain from 'stream-chain';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';

export const FORMATS = ['csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

/** A record, or a row that could not even be read as one (a broken CSV line, a line that is not JSON). */
export type SourceRow = { position: string; record: unknown } | { position: string; unreadable: string };

export function formatOf(path: string): Format | null {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

/** The file's bytes as they are read, for a progress bar over the file's size. */
function openCounted(path: string, onBytes: (bytes: number) => void) {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes(bytes);
  });
  return stream;
}

export function readRecords(path: string, format: Format, onBytes: (bytes: number) => void = () => {}) {
  if (format === 'csv') return readCsv(path, onBytes);
  if (format === 'ndjson') return readNdjson(path, onBytes);
  return readJson(path, onBytes);
}

/** Line breaks inside a record's quoted values, a CRLF counted once (csv-parse's own line count counts it twice). */
const breaksIn = (values: string[]) =>
  values.reduce((sum, value) => sum + (value.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

async function* readCsv(path: string, onBytes: (bytes: number) => void): AsyncGenerator<SourceRow> {
  const broken: SourceRow[] = [];
  const rows = openCounted(path, onBytes).pipe(
    parseCsv({
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error)
          broken.push({
            position: `line ${error.lines}`,
            unreadable: error.message.replace(/ at line \d+.*$/, ''),
          });
      },
    }),
  ) as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>;
  let header: string[] | null = null;
  // The line a record starts on: the lines before it, the blank ones skipped included.
  let consumed = 0;
  let blank = 0;
  for await (const { record, info } of rows) {
    yield* broken.splice(0);
    const start = consumed + 1 + (info.empty_lines - blank);
    blank = info.empty_lines;
    consumed = start + breaksIn(record);
    if (!header) {
      header = record.map((name) => name.trim());
      continue;
    }
    const position = `line ${start}`;
    if (record.length !== header.length) {
      yield {
        position,
        unreadable: `expected ${header.length} values as in the header, found ${record.length}`,
      };
      continue;
    }
    const object: Record<string, string> = {};
    header.forEach((name, i) => {
      object[name] = record[i]!;
    });
    yield { position, record: object };
  }
  yield* broken.splice(0);
}

async function* readNdjson(path: string, onBytes: (bytes: number) => void): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: openCounted(path, onBytes), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    const text = number === 1 ? line.replace(/^\uFEFF/, '') : line;
    if (text.trim() === '') continue;
    try {
      yield { position: `line ${number}`, record: JSON.parse(text) };
    } catch (error) {
      yield { position: `line ${number}`, unreadable: `not JSON: ${(error as Error).message}` };
    }
  }
}

async function* readJson(path: string, onBytes: (bytes: number) => void): AsyncGenerator<SourceRow> {
  // Each element of a top-level array, or of the `records` (export) or `result` (Table API) array.
  const values = chain([
    openCounted(path, onBytes),
    jsonParser(),
    pick({ filter: /^(\d+|(records|result)\.\d+)$/ }),
    streamValues(),
  ]) as AsyncIterable<{ value: unknown }>;
  let number = 0;
  for await (const { value } of values) {
    number += 1;
    yield { position: `record ${number}`, record: value };
  }
}
