/**
 * What every screen needs, built once when the plugin is registered: the record reader, the
 * dictionary, the database (for the few writes an agent makes), accounts and the templates.
 * It hangs on the app instance so the processor's fallback (renderFallbackScreen) finds it.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../accounts/accounts.ts';
import type { Database } from '../db/database.ts';
import type { Dictionary } from '../dictionary/model.ts';
import type { RecordReader } from '../records/types.ts';
import type { UpsertContext } from '../records/upsert.ts';
import type { Services } from '../services.ts';
import { loadTemplates, type Templates } from './templates.ts';

export type ScreenContext = {
  reader: RecordReader;
  dictionary: () => Dictionary;
  database: Database;
  accounts: AccountService;
  defaultRegion: string;
  templates: Templates;
};

declare module 'fastify' {
  interface FastifyInstance {
    ctiScreens: ScreenContext | null;
  }
}

export function createScreenContext(services: Services): ScreenContext {
  const dictionary = () => services.dictionary.current();
  return {
    reader: services.reader,
    dictionary,
    database: services.database,
    accounts: services.accounts,
    defaultRegion: services.config.defaultRegion,
    templates: loadTemplates(),
  };
}

export function attachScreenContext(app: FastifyInstance, ctx: ScreenContext): void {
  app.decorate('ctiScreens', ctx);
}

export function screenContextOf(app: FastifyInstance): ScreenContext {
  const ctx = app.ctiScreens;
  if (!ctx) throw new Error('the screens are not registered: call screenRoutes(app, services) in buildApp');
  return ctx;
}

/** The upsert context of an agent's write through a screen. */
export const writeContext = (ctx: ScreenContext, actor: string): UpsertContext => ({
  database: ctx.database,
  dictionary: ctx.dictionary(),
  defaultRegion: ctx.defaultRegion,
  actor,
});
