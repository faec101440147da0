/** Requests as a browser makes them: a session cookie, HTML pages, url-encoded forms. */
import type { FastifyInstance } from 'fastify';
import { csrfTokenFor } from '../../server/http/csrf.ts';

export const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';
export const BETH = '46d44a5d-a9fe-1981-0018-7d1a8eba1f6b';
export const JOHNS = ['5137153c-c611-227c-000b-bc7b6b81c4a7', '5137153c-c611-227c-000b-bc7b6b81c4a8'];
export const OLGA_INACTIVE = 'a8f98bb0-eb32-0100-2fd4-d13cabd80c20';

export const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
/** The same strings as an HTML-escaping template writes them. */
export const escaped = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

export function browser(app: FastifyInstance, cookie: string) {
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } }),
    post: (url: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        // As the screens' forms do: the session's CSRF token in a hidden field.
        payload: new URLSearchParams({
          _csrf: csrfTokenFor(cookie.split('=').slice(1).join('=')),
          ...fields,
        }).toString(),
      }),
  };
}

/** The html from `start` up to the next `end` (or the end), e.g. one field of a form. */
export function section(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from < 0) return '';
  const to = html.indexOf(end, from + start.length);
  return html.slice(from, to < 0 ? undefined : to);
}
