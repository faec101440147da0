/**
 * The fallback screen without a database. The new-incident form looks up its view layout and the
 * names of pre-filled references through the record reader; while the database is down those reads
 * would fail (or hang, on a black-holed network). Inside `renderWithoutDatabase`, the screens' reader
 * finds no rows instead: the form falls back to every field of the table, references unnamed.
 * Only the rendering of a 503 fallback runs in that scope (an AsyncLocalStorage), never a rule.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FallbackRenderer } from '../processor/routes.ts';
import type { RecordReader } from '../records/types.ts';

const offline = new AsyncLocalStorage<true>();

/** The fallback renderer, cut off from the database for a call that failed because it is down. */
export function renderWithoutDatabase(render: FallbackRenderer): FallbackRenderer {
  return (reply, failure) =>
    failure.error.code === 'UNAVAILABLE'
      ? offline.run(true, () => render(reply, failure))
      : render(reply, failure);
}

/** The reader for the screens: the real one, except inside `renderWithoutDatabase`. */
export function offlineAwareReader(reader: RecordReader): RecordReader {
  return {
    describe: (table) => reader.describe(table),
    select: (request) => (offline.getStore() ? Promise.resolve([]) : reader.select(request)),
    count: (request) => (offline.getStore() ? Promise.resolve(0) : reader.count(request)),
  };
}
