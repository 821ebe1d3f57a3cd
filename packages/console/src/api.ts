/** The collector's `{error: {code, message}}` answer, thrown by {@link ConsoleApi}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole `error` object, for answers with more than a message (e.g. `faults`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The console's only way to the collector: the documented JSON API under `/admin/api`, with
 * the session cookie (sent by the browser) and, on requests that change state, the session's
 * CSRF token. A 401 (session expired or signed out elsewhere) goes back to the sign-in page.
 *
 * @example
 * const api = createApi();
 * const { events } = await api.get('/events', { limit: 50 });
 */
export interface ConsoleApi {
  get<T>(path: string, params?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** URL of an API path with query parameters (for EventSource). */
  url(path: string, params?: Record<string, string | number | undefined>): string;
  csrfToken(): Promise<string>;
}

export function createApi(base = '/admin/api'): ConsoleApi {
  let csrf: Promise<string> | undefined;
  const url = (path: string, params: Record<string, string | number | undefined> = {}) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
    const text = query.toString();
    return `${base}${path}${text ? `?${text}` : ''}`;
  };
  const send = async <T>(input: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(input, { credentials: 'same-origin', ...init });
    if (res.status === 401) {
      location.assign('/console/sign-in');
      throw new ApiError(401, 'admin_unauthorized', 'signed out');
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const error = (body as { error?: { code?: string; message?: string } & Record<string, unknown> } | undefined)?.error;
      throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, error ?? {});
    }
    return body as T;
  };
  const csrfToken = () => (csrf ??= send<{ csrfToken: string }>(url('/session')).then((session) => session.csrfToken));
  const change = async <T>(method: string, path: string, body: unknown): Promise<T> =>
    send<T>(url(path), {
      method,
      headers: { 'content-type': 'application/json', 'x-csrf-token': await csrfToken() },
      body: JSON.stringify(body),
    });
  return {
    url,
    csrfToken,
    get: (path, params) => send(url(path, params)),
    post: (path, body) => change('POST', path, body),
    put: (path, body) => change('PUT', path, body),
  };
}
