/**
 * What an API failure says, in words for the screen. `api()` throws an ApiError
 * (`{status, code, message, details}`); a 400 VALIDATION_FAILED carries `details` as
 * `[{field: 'body.columns.0.name', message}]`, which forms show next to their fields.
 */

type ErrorLike = { status?: unknown; code?: unknown; message?: unknown; details?: unknown };

export function errorMessage(error: unknown): string {
  if (!error) return '';
  const e = error as ErrorLike;
  if (typeof e.message === 'string' && e.message) return e.message;
  return String(error);
}

export function errorStatus(error: unknown): number | null {
  const status = (error as ErrorLike | null)?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * The field errors of a validation failure, keyed by path without the `body.` prefix
 * (`name`, `columns.0.type`); the first message wins when a field has several.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const details = (error as ErrorLike | null)?.details;
  const out: Record<string, string> = {};
  if (!Array.isArray(details)) return out;
  for (const item of details) {
    if (!item || typeof item !== 'object') continue;
    const { field, message } = item as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const key = field.replace(/^body\.?/, '');
    if (!(key in out)) out[key] = message;
  }
  return out;
}

/** Field errors that no field of the form shows (so the banner can list them instead of losing them). */
export function unplacedErrors(errors: Record<string, string>, placed: (key: string) => boolean): string[] {
  return Object.entries(errors)
    .filter(([key]) => !placed(key))
    .map(([key, message]) => (key ? `${key}: ${message}` : message));
}
