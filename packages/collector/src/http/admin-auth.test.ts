import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ErrorBody } from '@cairn/protocol';
import { createAdminAuth, constantTimeEqual } from './admin-auth.js';
import { toErrorResponse } from './http-error.js';

function appWith(token: string | undefined) {
  const app = new Hono();
  app.use('/admin/*', createAdminAuth(token));
  app.get('/admin/ping', (c) => c.json({ ok: true }));
  app.onError((error) => toErrorResponse(error, () => undefined));
  return app;
}
const get = (app: Hono, authorization?: string) =>
  app.request('/admin/ping', authorization === undefined ? {} : { headers: { authorization } });
const code = async (res: Response) => ((await res.json()) as ErrorBody).error.code;

describe('createAdminAuth', () => {
  it('lets the right bearer token through', async () => {
    const res = await get(appWith('s3cret-ü'), 'Bearer s3cret-ü');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await get(appWith('tok'), 'bearer   tok ')).status).toBe(200);
  });

  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer s3cret-x'],
    ['a prefix of the token', 'Bearer s3cret'],
    ['the token plus more', 'Bearer s3cret-üü'],
    ['Basic auth', `Basic ${btoa('s3cret-ü:')}`],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 admin_unauthorized for %s', async (_label, header) => {
    const res = await get(appWith('s3cret-ü'), header);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await code(res)).toBe('admin_unauthorized');
  });

  it.each([undefined, ''])('answers 404 when no admin token is configured (%j)', async (token) => {
    const res = await get(appWith(token), 'Bearer anything');
    expect(res.status).toBe(404);
    expect(await code(res)).toBe('not_found');
  });
});

describe('constantTimeEqual', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['ab', 'abc', false],
    ['abcd', 'abc', false],
    ['', 'a', false],
    ['é', 'é', true],
    ['é', 'e', false],
  ])('%j vs %j → %s', (a, b, equal) => {
    expect(constantTimeEqual(bytes(a), bytes(b))).toBe(equal);
  });
});
