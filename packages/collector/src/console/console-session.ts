import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { constantTimeEqual } from '../http/admin-auth.js';

/** Name of the console's session cookie. */
export const SESSION_COOKIE = 'cairn_console';
/** Header (or form field `csrf`) carrying the session's CSRF token on a state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

const encoder = new TextEncoder();

/** A signed-in console session, as read from its cookie. */
export interface ConsoleSession {
  id: string;
  expiresAt: number;
  csrfToken: string;
}

/**
 * The console's sessions: stateless cookies signed with a key derived from the admin token
 * (HMAC-SHA-256), so every collector instance behind a load balancer accepts them and a new
 * admin token ends them all. Sign-out revokes the session in this instance's memory until it
 * expires (docs/console.md). The CSRF token is an HMAC of the session id: nothing to store.
 *
 * @example
 * const sessions = createConsoleSessions({ adminToken, ttlMs: 12 * 3600_000 });
 * const session = await sessions.start(c); // sets the cookie
 */
export interface ConsoleSessions {
  /** Starts a session: sets the HttpOnly, SameSite=Strict cookie (Secure on HTTPS). */
  start(c: Context): Promise<ConsoleSession>;
  /** The request's valid session, or undefined. */
  read(c: Context): Promise<ConsoleSession | undefined>;
  /** True when the request carries the session's CSRF token (header or form field). */
  checkCsrf(session: ConsoleSession, presented: string | undefined): boolean;
  /** Ends `session` (read from this request): revoked in this instance, cookie cleared. */
  end(c: Context, session: ConsoleSession): void;
  /** True when `presented` is the admin token (constant time). */
  isAdminToken(presented: string): boolean;
}

export function createConsoleSessions(options: { adminToken: string; ttlMs?: number; now?: () => number }): ConsoleSessions {
  const ttlMs = options.ttlMs ?? 12 * 3_600_000;
  const now = options.now ?? Date.now;
  const expectedToken = encoder.encode(options.adminToken);
  const revoked = new Map<string, number>();
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const hmac = async (text: string): Promise<string> => {
    key ??= crypto.subtle
      .digest('SHA-256', encoder.encode(`cairn-console-session\u0000${options.adminToken}`))
      .then((secret) => crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
    return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(text))));
  };
  // Sign-out revokes by id until expiry; bounded so a flood of sign-ins cannot grow it forever.
  const MAX_REVOKED = 10_000;
  const secure = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  const sweep = () => {
    const time = now();
    for (const [id, expiresAt] of revoked) if (expiresAt <= time) revoked.delete(id);
  };

  return {
    start: async (c) => {
      const id = base64url(crypto.getRandomValues(new Uint8Array(18)));
      const expiresAt = now() + ttlMs;
      const payload = `${expiresAt}.${id}`;
      setCookie(c, SESSION_COOKIE, `${payload}.${await hmac(payload)}`, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: secure(c),
        path: '/',
        maxAge: Math.floor(ttlMs / 1000),
        expires: new Date(expiresAt),
      });
      return { id, expiresAt, csrfToken: await hmac(`csrf.${id}`) };
    },
    read: async (c) => {
      const value = getCookie(c, SESSION_COOKIE);
      const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(value ?? '');
      if (!match) return undefined;
      const [, expires, id, signature] = match as unknown as [string, string, string, string];
      const expected = await hmac(`${expires}.${id}`);
      if (!constantTimeEqual(encoder.encode(signature), encoder.encode(expected))) return undefined;
      const expiresAt = Number(expires);
      if (expiresAt <= now() || revoked.has(id)) return undefined;
      return { id, expiresAt, csrfToken: await hmac(`csrf.${id}`) };
    },
    checkCsrf: (session, presented) =>
      presented !== undefined && presented !== '' && constantTimeEqual(encoder.encode(presented), encoder.encode(session.csrfToken)),
    end: (c, session) => {
      sweep();
      if (revoked.size >= MAX_REVOKED) revoked.delete(revoked.keys().next().value as string);
      revoked.set(session.id, session.expiresAt);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c), httpOnly: true, sameSite: 'Strict' });
    },
    isAdminToken: (presented) => constantTimeEqual(encoder.encode(presented), expectedToken),
  };
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
