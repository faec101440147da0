/**
 * The console's one way to the API: JSON in and out, the session's CSRF token on every change
 * (fetched once from GET /api/session), and errors as `ApiError` with the server's code, message
 * and details (`{"error":{"code","message","details"}}`). A lost session sends the browser to /login.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type Session = { username: string; role: 'admin' | 'agent'; csrfToken: string };

let session: Promise<Session> | null = null;

/** Who is signed in, and the CSRF token; asked once per page load. */
export function getSession(): Promise<Session> {
  session ??= request<Session>('GET', '/api/session').catch((error: unknown) => {
    session = null;
    throw error;
  });
  return session;
}

function toLogin(): void {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(here)}`);
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (parsed.error && typeof parsed.error.message === 'string') {
      return new ApiError(
        response.status,
        typeof parsed.error.code === 'string' ? parsed.error.code : `HTTP_${response.status}`,
        parsed.error.message,
        parsed.error.details,
      );
    }
  } catch {
    // Not JSON: a proxy's page or an empty body; the status says what happened.
  }
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    `${response.status} ${response.statusText || 'error'}${text ? `: ${text.slice(0, 200)}` : ''}`,
  );
}

async function request<T>(method: Method, path: string, body?: unknown, csrf?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached; is it running?');
  }
  if (response.status === 401 && path !== '/api/logout') {
    toLogin();
    throw new ApiError(401, 'UNAUTHORIZED', 'your session has ended; sign in again');
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

/** Calls the API; changes carry the CSRF token. Throws `ApiError` for any non-2xx answer. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const csrf = method === 'GET' ? undefined : (await getSession()).csrfToken;
  return request<T>(method, path, body, csrf);
}

/** A plain-text resource (such as /api/sandbox.d.ts), or null when the server has none (404). */
export async function apiText(path: string): Promise<string | null> {
  try {
    return await request<string>('GET', path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export async function logout(): Promise<void> {
  try {
    await api('POST', '/api/logout');
  } finally {
    session = null;
    window.location.assign('/login');
  }
}

/** The console's client-side navigation (see router.tsx). */
export { navigate } from './router.tsx';

/** A message fit to show for any error. */
export function describeError(error: unknown): { code: string; message: string; details: unknown } {
  if (error instanceof ApiError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof Error) return { code: 'ERROR', message: error.message, details: undefined };
  return { code: 'ERROR', message: String(error), details: undefined };
}
