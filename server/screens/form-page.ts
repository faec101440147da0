/** Sending the new-record form: the form model of new-record-form.ts in the `form` template. */
import type { FastifyReply } from 'fastify';
import type { TableInfo } from '../dictionary/model.ts';
import type { ScreenContext } from './context.ts';
import { buildForm, type FormValues } from './new-record-form.ts';
import { type PickedOffer, sendPage } from './page.ts';

/** A banner above the form: the fallback's "the rule failed" (fallback.ts). */
export type FormBanner = { title: string; lines: string[] };

export async function sendForm(
  reply: FastifyReply,
  ctx: ScreenContext,
  table: TableInfo,
  options: {
    view: string;
    form: FormValues;
    problems?: { byField: Map<string, string>; general: string[] };
    picked?: PickedOffer | null;
    banner?: FormBanner | null;
  },
): Promise<FastifyReply> {
  const form = await buildForm(
    ctx.reader,
    ctx.dictionary(),
    table,
    options.view,
    options.form,
    options.problems,
  );
  return sendPage(reply, ctx, 'form', {
    title: `New ${table.label}`,
    form,
    picked: options.picked ?? null,
    banner: options.banner ?? null,
  });
}
