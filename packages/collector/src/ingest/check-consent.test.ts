import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResponse } from '@cairn/protocol';
import { createMetrics } from '../metrics/metrics.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const stamped = (messageId: string, event: string, categoryPreferences: Record<string, unknown> | undefined, extra = {}) => ({
  type: 'track',
  event,
  messageId,
  timestamp: '2024-06-01T12:00:00.000Z',
  anonymousId: 'anon-1',
  userId: 'user-1',
  properties: { email: 'visitor@example.com' },
  context: { page: { url: 'https://shop.example/' }, ...(categoryPreferences && { consent: { categoryPreferences } }) },
  ...extra,
});

const post = async (batch: unknown[]) => (await (await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch })).json()) as BatchResponse;

describe('consent enforcement', () => {
  it('refuses an event whose stamp does not grant its category, keeping no content of it', async () => {
    const metrics = createMetrics();
    t = createTestCollector({ metrics, privacy: { eventCategories: { 'Ad Clicked': 'marketing' } } });
    const answer = await post([
      stamped('m1', 'Product Viewed', { necessary: true, analytics: false, marketing: true }),
      stamped('m2', 'Ad Clicked', { necessary: true, analytics: true, marketing: false }),
      stamped('m3', 'Product Added', { necessary: true, analytics: true, marketing: false }),
      // A category the stamp leaves out is not granted.
      stamped('m4', 'Ad Clicked', { analytics: true }),
    ]);
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map(({ messageId, code }) => ({ messageId, code }))).toEqual([
      { messageId: 'm1', code: 'consent_denied' },
      { messageId: 'm2', code: 'consent_denied' },
      { messageId: 'm4', code: 'consent_denied' },
    ]);
    expect(answer.rejected[1]?.message).toContain('"marketing"');
    expect(t.rows('SELECT message_id FROM events')).toEqual([{ message_id: 'm3' }]);
    const quarantined = t.rows('SELECT message_id, code, raw FROM quarantine ORDER BY id');
    expect(quarantined.map((row) => row.code)).toEqual(['consent_denied', 'consent_denied', 'consent_denied']);
    expect(JSON.parse(quarantined[1]?.raw as string)).toEqual({
      type: 'track',
      event: 'Ad Clicked',
      messageId: 'm2',
      timestamp: '2024-06-01T12:00:00.000Z',
      context: { consent: { categoryPreferences: { necessary: true, analytics: true, marketing: false } } },
    });
    for (const row of quarantined) expect(row.raw).not.toMatch(/anon-1|user-1|visitor@example\.com|shop\.example/);
    expect(metrics.render()).toContain('cairn_consent_denied_total{category="marketing",source="default"} 2');
    expect(metrics.render()).toContain('cairn_consent_denied_total{category="analytics",source="default"} 1');
  });

  it('accepts necessary events whatever the stamp, and events without a stamp (server libraries)', async () => {
    t = createTestCollector({ privacy: { eventCategories: { 'Consent Updated': 'necessary' } } });
    const answer = await post([
      stamped('m1', 'Consent Updated', { necessary: true, analytics: false, marketing: false }),
      stamped('m2', 'Order Completed', undefined),
      { ...stamped('m3', 'Order Completed', undefined), context: { consent: 'not an object' } },
    ]);
    expect(answer).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
  });

  it('takes the category from the tracking plan first (aliases resolved), then the option map', async () => {
    const plan = compileTrackingPlan({
      defaultCategory: 'analytics',
      events: { 'Ad Clicked': { aliases: ['ad click'], category: 'marketing' }, 'Product Added': {} },
    });
    t = createTestCollector({ plan, privacy: { eventCategories: { 'Product Added': 'marketing', Newsletter: 'marketing' } } });
    const onlyAnalytics = { necessary: true, analytics: true, marketing: false };
    const answer = await post([
      stamped('m1', 'ad click', onlyAnalytics),
      stamped('m2', 'Product Added', onlyAnalytics),
      stamped('m3', 'Newsletter', onlyAnalytics),
    ]);
    expect(answer.rejected.map((r) => r.messageId)).toEqual(['m1', 'm3']);
  });

  it('categorises other calls by type, the type of a single-event route included', async () => {
    t = createTestCollector({ privacy: { eventCategories: { page: 'necessary' } } });
    const denied = { analytics: false };
    const page = await t.post('/v1/page', { writeKey: TEST_WRITE_KEY, messageId: 'p1', name: 'Home', context: { consent: { categoryPreferences: denied } } });
    expect(((await page.json()) as BatchResponse).accepted).toBe(1);
    const identify = await t.post('/v1/identify', { writeKey: TEST_WRITE_KEY, messageId: 'i1', userId: 'u1', context: { consent: { categoryPreferences: denied } } });
    expect(((await identify.json()) as BatchResponse).rejected[0]?.code).toBe('consent_denied');
  });

  it('answers consent_denied for a forged event even when it is also malformed, so its content is never kept', async () => {
    t = createTestCollector();
    const answer = await post([{ ...stamped('m1', 'Product Viewed', { analytics: false }), timestamp: 'not a time', userId: { nested: 'x' } }]);
    expect(answer.rejected[0]?.code).toBe('consent_denied');
    expect(t.rows('SELECT raw FROM quarantine')[0]?.raw).not.toContain('visitor@example.com');
  });

  it('does not let an event named after an Object method pick up a category', async () => {
    t = createTestCollector({ privacy: { eventCategories: { 'Ad Clicked': 'marketing' } } });
    const answer = await post([stamped('m1', 'constructor', { analytics: true })]);
    expect(answer.accepted).toBe(1);
  });
});
