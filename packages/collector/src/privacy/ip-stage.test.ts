import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResponse } from '@cairn/protocol';
import { createTestCollector, TEST_WRITE_KEY, type TestCollector } from '../testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

const event = (messageId: string, context?: Record<string, unknown>) => ({
  type: 'track',
  event: 'Order Completed',
  messageId,
  timestamp: '2024-06-01T12:00:00.000Z',
  ...(context && { context }),
});

async function store(batch: unknown[]) {
  const res = await t.post('/v1/batch', { writeKey: TEST_WRITE_KEY, batch });
  return (await res.json()) as BatchResponse;
}

const stored = (messageId: string) => {
  const row = t.rows('SELECT raw, normalized FROM events WHERE message_id = ?', messageId)[0] as { raw: string; normalized: string | null };
  return { raw: JSON.parse(row.raw), normalized: row.normalized === null ? null : JSON.parse(row.normalized) };
};

describe('IP handling', () => {
  it('truncates a client-sent context.ip everywhere it is stored by default, raw included', async () => {
    t = createTestCollector();
    await store([
      event('v4', { ip: '203.0.113.77', locale: 'fr-FR' }),
      event('v6', { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348' }),
      event('junk', { ip: 'not-an-address' }),
      event('none', { locale: 'fr-FR' }),
    ]);
    expect(stored('v4')).toEqual({ raw: { ...event('v4', { ip: '203.0.113.0', locale: 'fr-FR' }) }, normalized: null });
    expect(stored('v6').raw.context).toEqual({ ip: '2001:db8:85a3::' });
    expect(stored('junk').raw.context).toEqual({});
    expect(stored('none').raw.context).toEqual({ locale: 'fr-FR' });
    expect(JSON.stringify(t.rows('SELECT raw, normalized FROM events'))).not.toContain('203.0.113.77');
  });

  it('keeps no full address in the quarantine either', async () => {
    t = createTestCollector();
    const answer = await store([{ ...event('bad', { ip: '203.0.113.77' }), timestamp: 'yesterday-ish' }]);
    expect(answer.rejected[0]?.code).toBe('invalid_event');
    expect(t.rows('SELECT raw FROM quarantine')[0]?.raw).toContain('"ip":"203.0.113.0"');
  });

  it('drop removes it; full keeps it as sent', async () => {
    t = createTestCollector({ privacy: { ip: 'drop' } });
    await store([event('a', { ip: '203.0.113.77', locale: 'fr-FR' })]);
    expect(stored('a').raw.context).toEqual({ locale: 'fr-FR' });
    await t.dispose();
    t = createTestCollector({ privacy: { ip: 'full' } });
    await store([event('a', { ip: '203.0.113.77' })]);
    expect(stored('a').raw.context).toEqual({ ip: '203.0.113.77' });
  });

  it('records the request address, truncated, in the normalized event only when recordIp is on', async () => {
    t = createTestCollector({ clientIp: () => '198.51.100.23' });
    await store([event('off')]);
    expect(stored('off').normalized).toBeNull();
    await t.dispose();
    t = createTestCollector({ clientIp: () => '2001:db8:1:2::/64', privacy: { recordIp: true } });
    await store([event('v6'), event('sent', { ip: '203.0.113.77' })]);
    expect(stored('v6')).toMatchObject({ raw: event('v6'), normalized: { context: { ip: '2001:db8:1::' } } });
    // An address the client sent wins over the request's (a server library's end user).
    expect(stored('sent')).toMatchObject({ raw: { context: { ip: '203.0.113.0' } }, normalized: null });
  });
});
