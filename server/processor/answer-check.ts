/**
 * An answer is where the agent's browser goes, so it must stay on our site (or an allowed origin):
 * `incident.do?…` (relative to the site root, as the original platform's scripts write it), `/x`,
 * or `https://allowed.example/…`. Anything else (`javascript:`, `//evil`, another host) is refused.
 */
export type AnswerVerdict = { ok: true; location: string } | { ok: false; message: string };

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

export function checkAnswer(answer: string, allowedOrigins: readonly string[]): AnswerVerdict {
  const text = answer.trim();
  // Browsers drop tabs and newlines inside URLs ("java\nscript:"), and treat "\" like "/": refuse them outright.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f\\]/.test(text))
    return { ok: false, message: 'the answer holds control characters or a backslash' };
  if (text === '') return { ok: false, message: 'the answer is empty' };
  if (SCHEME.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, message: 'the answer is not a valid URL' };
    }
    if ((url.protocol === 'https:' || url.protocol === 'http:') && allowedOrigins.includes(url.origin)) {
      return { ok: true, location: text };
    }
    return {
      ok: false,
      message: `the answer points to ${url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol}, which is not this site or an allowed origin`,
    };
  }
  if (text.startsWith('//'))
    return { ok: false, message: 'the answer is a protocol-relative URL to another site' };
  const location = text.startsWith('/') ? text : `/${text}`;
  // Belt and braces: resolved against a placeholder origin, a same-site path stays on it.
  const resolved = new URL(location, 'http://ctihost.invalid');
  if (resolved.origin !== 'http://ctihost.invalid')
    return { ok: false, message: 'the answer leaves this site' };
  return { ok: true, location };
}
