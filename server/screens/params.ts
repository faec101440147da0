/**
 * The screens' URL and form parameters, validated with zod. Browsers and telephony clients repeat
 * parameters: the first one wins, as on /cti.do. Every limit names the parameter it refused.
 */
import { z } from 'zod';

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

export const text = (name: string, max: number) =>
  z.preprocess(
    first,
    z
      .string({ message: `${name}: expected text` })
      .max(max, { message: `${name}: at most ${max} characters` })
      .optional(),
  );

export const MAX_QUERY = 4000;
export const MAX_PHONE = 64;
export const MAX_VIEW = 100;

export const recordQuery = z.object({
  sys_id: text('sys_id', 100),
  sysparm_query: text('sysparm_query', MAX_QUERY),
  sysparm_view: text('sysparm_view', MAX_VIEW),
  sysparm_cti_picked: text('sysparm_cti_picked', MAX_PHONE),
});

/** A page name of the `/:page` route: `<table>.do`, or null for any other path. */
export function doPageTable(page: string): string | null {
  return page.endsWith('.do') ? page.slice(0, -'.do'.length) : null;
}

/** The messages of a failed parse, one line per problem. */
export const problemsOf = (error: z.ZodError) => error.issues.map((issue) => issue.message);

/** The view a page is shown with: the named one, or `default`. */
export const viewName = (view: string | undefined) => (view?.trim() ? view.trim() : 'default');
