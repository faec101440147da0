/**
 * The screens' Eta templates, read and compiled once at start. Every `<%= %>` is HTML-escaped
 * (autoEscape); the only raw output is the layout's `it.body`, which is a page these templates
 * rendered, itself escaped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta/core';

export type TemplateName = 'login' | 'record' | 'form' | 'picker' | 'message';

export type Templates = { render(name: TemplateName, data: object): string };

const DIRECTORY = join(import.meta.dirname, 'templates');

export function loadTemplates(directory = DIRECTORY): Templates {
  const eta = new Eta({ autoEscape: true, cache: true, autoTrim: [false, 'nl'] });
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.eta')) continue;
    eta.loadTemplate(`@${file.slice(0, -'.eta'.length)}`, readFileSync(join(directory, file), 'utf8'));
  }
  return { render: (name, data) => eta.render(`@${name}`, data) };
}
