/**
 * JSON can carry text that no database column can: U+0000 (`"\u0000"`) and UTF-16 surrogates
 * without their pair (`"\ud804"`). PostgreSQL refuses both, in text and in jsonb, each with errors of
 * its own (22021, 22P05, 22P02 for a jsonb with a lone surrogate), and the API answered 500 for
 * them. An API body holding one is refused before any route sees it, naming where.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** NUL, or a surrogate code unit that is not half of a pair (with the `u` flag a pair is one code point). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const UNSTORABLE = /\u0000|\p{Cs}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same, to mask it in the path it names.
const UNSTORABLE_ALL = /\u0000|\p{Cs}/gu;
/** Deeper bodies are refused by nothing else here; a body this deep is no one's real request. */
const MAX_DEPTH = 64;

/** The path (`$.choices[0].label`) of the first string or key in `value` no column can store, or null. */
export function findUnstorableText(value: unknown, path = '$', depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}.${key.replace(UNSTORABLE_ALL, '?')}`;
    if (UNSTORABLE.test(key)) return at;
    const found = findUnstorableText(item, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The API's bodies (JSON) only: the screens' forms arrive URL-encoded, which cannot hold a lone surrogate. */
export function installStorableTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || !request.url.startsWith('/api/')) return;
    const at = findUnstorableText(request.body);
    if (at) {
      throw new AppError(
        'BAD_REQUEST',
        `the request body holds a NUL character or an unpaired UTF-16 surrogate at ${at}, which no text here may contain`,
      );
    }
  });
}
