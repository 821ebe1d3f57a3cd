import type { EventContext } from '@cairn/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../core/memory-storage.js';
import { createCounterIds, createFakeClock } from '../../test-support/test-kit.js';
import { createSession } from './session.js';

const at = (search = '') => ({ page: { path: '/', search } }) as EventContext;
const MINUTE = 60_000;

function setup(timeout?: number) {
  const storage = createMemoryStorage();
  const clock = createFakeClock();
  const ids = createCounterIds('s-');
  return { storage, clock, session: createSession(storage, clock, ids, timeout), ids };
}

describe('createSession', () => {
  it('keeps one session id while events come within 30 minutes of each other', async () => {
    const { session, clock } = setup();
    const first = session(at()).sessionId;
    await clock.advance(29 * MINUTE);
    expect(session(at()).sessionId).toBe(first);
    await clock.advance(29 * MINUTE); // 58 minutes after the first event, 29 after the last
    expect(session(at()).sessionId).toBe(first);
    await clock.advance(30 * MINUTE);
    const next = session(at()).sessionId;
    expect(next).not.toBe(first);
    expect(next).toMatch(/^s-/);
  });

  it('takes a configurable timeout, also as a numeric string (data-session-timeout)', async () => {
    const { session, clock } = setup('5000' as unknown as number);
    const first = session(at()).sessionId;
    await clock.advance(4999);
    expect(session(at()).sessionId).toBe(first);
    await clock.advance(5000);
    expect(session(at()).sessionId).not.toBe(first);
  });

  it('is shared by tabs on the same storage: any tab’s event keeps it alive', async () => {
    const { session, storage, clock } = setup();
    const otherTab = createSession(storage, clock, createCounterIds('t-'));
    const id = session(at()).sessionId;
    await clock.advance(20 * MINUTE);
    expect(otherTab(at()).sessionId).toBe(id);
    await clock.advance(20 * MINUTE);
    expect(session(at()).sessionId).toBe(id);
  });

  it('captures the landing campaign and keeps it on the session’s later pages', async () => {
    const { session, clock } = setup();
    const landing = session(at('?utm_source=google&utm_medium=cpc&gclid=Cj0K'));
    expect(landing.campaign).toEqual({ source: 'google', medium: 'cpc', gclid: 'Cj0K' });
    await clock.advance(10 * MINUTE);
    const later = session(at('?page=2'));
    expect(later).toMatchObject({ sessionId: landing.sessionId, campaign: landing.campaign });
  });

  it('a new ad click replaces the campaign; a new session drops it', async () => {
    const { session, clock } = setup();
    session(at('?utm_source=google&gclid=A'));
    expect(session(at('?fbclid=B')).campaign).toEqual({ fbclid: 'B' });
    await clock.advance(31 * MINUTE);
    expect(session(at()).campaign).toBeUndefined();
  });

  it('keeps the rest of the context, and survives a corrupt record', () => {
    const { session, storage } = setup();
    storage.set('cairn:session', '{not json');
    const context = session({ page: { path: '/x', search: '' }, locale: 'de-DE' });
    expect(context).toMatchObject({ page: { path: '/x' }, locale: 'de-DE', sessionId: 's-000001' });
    expect(JSON.parse(storage.get('cairn:session')!)).toMatchObject({ id: 's-000001' });
  });

  it('writes storage when the id or campaign changes, else at most every timeout / 360 ms', async () => {
    const { session, storage, clock } = setup();
    const set = vi.spyOn(storage, 'set');
    session(at());
    expect(set).toHaveBeenCalledTimes(1); // a new session
    for (let i = 0; i < 50; i++) {
      await clock.advance(100);
      session(at());
    }
    expect(set).toHaveBeenCalledTimes(1); // 5 s of events: within 30 min / 360
    await clock.advance(100);
    session(at());
    expect(set).toHaveBeenCalledTimes(2);
    expect(JSON.parse(storage.get('cairn:session')!).at).toBe(clock.now());
    session(at('?utm_source=google'));
    expect(set).toHaveBeenCalledTimes(3); // a new campaign: at once
  });

  it('takes over another tab’s newer session rather than keeping its own', async () => {
    const { session, storage, clock } = setup();
    const mine = session(at()).sessionId;
    storage.set('cairn:session', JSON.stringify({ id: 'other', at: clock.now() + 1 }));
    await clock.advance(10);
    expect(session(at()).sessionId).toBe('other');
    storage.set('cairn:session', JSON.stringify({ id: 'stale', at: clock.now() - 60_000 }));
    expect(session(at()).sessionId).toBe('other');
    expect(mine).not.toBe('other');
  });

  it('hands back the same session and campaign while nothing changed', async () => {
    const { session, clock } = setup();
    const context = at('?gclid=A');
    const first = session(context);
    await clock.advance(1000);
    expect(session(context)).toEqual(first);
    expect(session(at('?gclid=A'))).toEqual(first);
  });
});

