import { describe, expect, it } from 'vitest';
import type { EventRow } from '../store/store.js';
import { anonymousIdsOf, planPeopleWrites } from './plan-people-writes.js';

const row = (fields: Partial<EventRow> & { doc?: Record<string, unknown> }): EventRow => ({
  source: 'default', messageId: 'm', type: 'track', event: 'X', name: null, anonymousId: null, userId: null,
  timestamp: '2026-12-01T00:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-12-01T00:00:00.000Z',
  raw: JSON.stringify(fields.doc ?? {}), normalized: null, ...fields,
});

describe('planPeopleWrites', () => {
  it('counts an anonymous visit for the user it signs in as, within the batch', () => {
    const rows = [
      row({ anonymousId: 'a1', timestamp: '2026-12-01T00:00:00.000Z' }),
      row({ anonymousId: 'a1', userId: 'u1', type: 'identify', timestamp: '2026-12-01T00:05:00.000Z', doc: { traits: { plan: 'pro' } } }),
    ];
    const writes = planPeopleWrites(rows, new Map());
    expect(writes.links).toEqual([{ anonymousId: 'a1', personId: 'u:u1', at: '2026-12-01T00:05:00.000Z' }]);
    expect(writes.unlinked).toEqual([]);
    expect(writes.people).toEqual([{ personId: 'u:u1', userId: 'u1', firstSeen: '2026-12-01T00:00:00.000Z', lastSeen: '2026-12-01T00:05:00.000Z', traits: '{"plan":"pro"}' }]);
  });

  it('folds an earlier anonymous person into the user, and an alias links its previousId', () => {
    const writes = planPeopleWrites(
      [row({ type: 'alias', userId: 'u2', doc: { previousId: 'a9' } }), row({ anonymousId: 'a1', userId: 'u1' })],
      new Map([['a1', 'a:a1'], ['a9', 'a:a9']]),
    );
    expect(writes.merges).toEqual([{ from: 'a:a9', to: 'u:u2', userId: 'u2' }, { from: 'a:a1', to: 'u:u1', userId: 'u1' }]);
    expect(anonymousIdsOf([row({ type: 'alias', userId: 'u2', doc: { previousId: 'a9' } })])).toEqual(['a9']);
  });

  it('moves a shared device to the latest user without merging users', () => {
    const writes = planPeopleWrites([row({ anonymousId: 'a1', userId: 'u2' })], new Map([['a1', 'u:u1']]));
    expect(writes.links).toEqual([{ anonymousId: 'a1', personId: 'u:u2', at: '2026-12-01T00:00:00.000Z' }]);
    expect(writes.merges).toEqual([]);
  });
});
