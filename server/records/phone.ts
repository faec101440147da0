/**
 * Phone numbers in any common format, reduced to E.164 with libphonenumber-js: "(415) 555-0142",
 * "415.555.0142" and "+1 415 555 0142" are one number. We accept "possible" numbers, not only
 * "valid" ones, because real directories hold test ranges (555-01xx) and new number blocks.
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A pop reads the caller's number several times (each phone column queried, the call log's masking):
 * parsing costs tens of microseconds, so the latest results are kept. Imports parse many distinct
 * numbers: the memo is emptied when full rather than grown.
 */
const recent = new Map<string, string | null>();
const RECENT_MAX = 2000;

export function toE164(raw: string | null | undefined, defaultRegion: string): string | null {
  if (raw == null) return null;
  const text = String(raw).trim();
  if (text === '' || !/\d/.test(text)) return null;
  const key = `${defaultRegion}\u0000${text}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const e164 = parseE164(text, defaultRegion);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, e164);
  return e164;
}

function parseE164(text: string, defaultRegion: string): string | null {
  // "00" is the international prefix most of the world dials; treat it as "+".
  const normalised = text.startsWith('00') ? `+${text.slice(2)}` : text;
  const parsed = parsePhoneNumberFromString(normalised, defaultRegion as CountryCode);
  if (!parsed?.isPossible()) return null;
  // The call log's masking asks for it next (call-log.ts): one parse serves both.
  rememberNational(parsed.number, parsed.nationalNumber);
  return parsed.number;
}

const nationals = new Map<string, string | null>();

function rememberNational(e164: string, national: string | null): void {
  if (nationals.size >= RECENT_MAX) nationals.clear();
  nationals.set(e164, national);
}

/** "+14155550142" → "4155550142": the number without its country code, as people write it at home. */
export function nationalNumber(e164: string): string | null {
  const known = nationals.get(e164);
  if (known !== undefined) return known;
  const national = parsePhoneNumberFromString(e164)?.nationalNumber ?? null;
  rememberNational(e164, national);
  return national;
}

/** "+14155550142" → "*******0142": the call log keeps only the last four digits. */
export function maskPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
