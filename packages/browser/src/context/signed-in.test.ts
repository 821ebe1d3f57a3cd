// signedIn() / signedOut(): the identity helpers of core/tracker.ts.
import type { WireEvent } from '@cairn/protocol';
import { describe, expect, it } from 'vitest';
import { createTestDeps, options } from '../../test-support/test-kit.js';
import { createTrackerCore } from '../core/tracker.js';

function setup() {
  const env = createTestDeps({ context: () => ({ device: { type: 'mobile' } }) });
  const tracker = createTrackerCore(options, env.deps);
  const events = async () => {
    await tracker.flush();
    return env.net.sent() as WireEvent[];
  };
  return { tracker, events };
}

describe('signedIn / signedOut', () => {
  it('signedIn identifies, then sends "Signed In" as the new user, with the device context', async () => {
    const { tracker, events } = setup();
    const anonymousId = tracker.user().anonymousId;
    tracker.signedIn('user-42', { method: 'google' });
    const sent = await events();
    expect(sent.map(({ type, event, userId, anonymousId: aid, properties }) => ({ type, event, userId, aid, properties }))).toEqual([
      { type: 'identify', event: undefined, userId: 'user-42', aid: anonymousId, properties: undefined },
      { type: 'track', event: 'Signed In', userId: 'user-42', aid: anonymousId, properties: { method: 'google' } },
    ]);
    expect(sent[1]?.context?.device?.type).toBe('mobile');
    expect(tracker.user().userId).toBe('user-42');
  });

  it('signedOut sends "Signed Out" as the user, then forgets them', async () => {
    const { tracker, events } = setup();
    tracker.signedIn('user-42');
    const before = tracker.user().anonymousId;
    tracker.signedOut({ reason: 'menu' });
    tracker.track('Browsing');
    const [, , signedOut, after] = await events();
    expect(signedOut).toMatchObject({ event: 'Signed Out', userId: 'user-42', anonymousId: before, properties: { reason: 'menu' } });
    expect(after?.userId).toBeUndefined();
    expect(after?.anonymousId).not.toBe(before);
  });

  it('replays from the stub with the call time', async () => {
    const { tracker, events } = setup();
    tracker.push(['signedIn', Date.UTC(2024, 5, 1), 'user-1', { method: 'password' }]);
    const sent = await events();
    expect(sent.map((event) => [event.type, event.userId, event.timestamp])).toEqual([
      ['identify', 'user-1', '2024-06-01T00:00:00.000Z'],
      ['track', 'user-1', '2024-06-01T00:00:00.000Z'],
    ]);
  });
});
