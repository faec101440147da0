/** A small HTML page for the console's refusals (403, 503): no template, no script, text escaped. */
import type { FastifyReply } from 'fastify';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function plainPage(reply: FastifyReply, page: { title: string; message: string }): FastifyReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)} · ctihost</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:36rem;padding:0 1rem;color:#1f2328}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>
<p><a href="/login">Sign in as someone else</a></p></body></html>`;
  return reply.type('text/html; charset=utf-8').send(html);
}
