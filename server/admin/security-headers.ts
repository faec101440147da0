/**
 * The console's Content-Security-Policy: everything from this origin, workers also from blob:
 * (Monaco), inline styles (Monaco sets them), nothing else. The security plugin sets the same
 * policy on /admin; setting it here too keeps the console's own responses and tests honest.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
