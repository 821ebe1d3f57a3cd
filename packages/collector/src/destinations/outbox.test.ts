import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../store/postgres-store.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL, createTestSchema } from '../store/postgres-test-schema.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { EventRow, Store } from '../store/store.js';
import type { DestinationRules } from './destination-config.js';
import type { Outbox, OutboxItem } from './outbox.js';
import { createPostgresOutbox } from './postgres-outbox.js';
import { createSqliteOutbox } from './sqlite-outbox.js';

// The outbox contract on both databases: rows written in the event's transaction (none for a
// resend), read back with the event, settled by the step, erased with the person.

const RULES: DestinationRules[] = [{ name: 'all' }, { name: 'ads', consent: 'marketing' }, { name: 'shop', sources: ['shop'] }];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function row(messageId: string, extra: Partial<EventRow> = {}, marketing?: boolean): EventRow {
  const event = {
    type: 'track',
    event: 'A',
    messageId,
    userId: extra.userId ?? null,
    ...(marketing === undefined ? {} : { context: { consent: { categoryPreferences: { marketing } } } }),
  };
  return {
    source: 'web',
    messageId,
    type: 'track',
    event: 'A',
    name: null,
    anonymousId: null,
    userId: null,
    timestamp: '2026-12-06T08:00:00.000Z',
    originalTimestamp: null,
    sentAt: null,
    receivedAt: new Date().toISOString(),
    raw: JSON.stringify(event),
    ...extra,
  };
}

const drain = async (outbox: Outbox, destination: string) => {
  const sent: OutboxItem[] = [];
  for (;;) {
    const result = await outbox.step(destination, { limit: 2, now: Date.now, deadLetterBefore: () => 0 }, async (items) => {
      sent.push(...items);
      return { ok: true };
    });
    if (result.sent === 0 && result.orphaned === 0) return sent;
  }
};

function describeOutbox(label: string, open: () => Promise<{ store: Store; outbox: Outbox }>, skip = false) {
  describe.skipIf(skip)(label, () => {
    it('writes a delivery per matching destination with the event, none for a resend, and erases the person', async () => {
      const { store, outbox } = await open();
      await store.write({ events: [row('m1', { userId: 'u1' }, true), row('m2', {}, false), row('m3', { source: 'shop' })], quarantined: [] });
      await store.write({ events: [row('m1', { userId: 'u1' }, true), row('m4', { userId: 'u1' })], quarantined: [] });
      expect((await outbox.counts(['all', 'ads', 'shop'], Date.now())).map((c) => [c.name, c.pending])).toEqual([
        ['all', 4],
        ['ads', 1],
        ['shop', 1],
      ]);
      const erased = await outbox.erase({ userId: 'u1' }, [{ destination: 'all', messageId: 'cairn-erase-1' }], Date.now());
      expect(erased).toBe(3);
      await store.erase({ userId: 'u1' });
      const sent = await drain(outbox, 'all');
      expect(sent.map((item) => [item.kind, item.messageId])).toEqual([
        ['event', 'm2'],
        ['event', 'm3'],
        ['erase', 'cairn-erase-1'],
      ]);
      expect(JSON.parse(String(sent[0]?.body ?? '{}'))).toMatchObject({ messageId: 'm2' });
      expect(sent[2]).toMatchObject({ userId: 'u1', body: null });
      expect(await drain(outbox, 'ads')).toEqual([]);
      expect((await outbox.counts(['all'], Date.now()))[0]).toMatchObject({ delivered: 3, pending: 0 });
    });

    it('reschedules a failed batch and dead-letters it when permanent, then replays it', async () => {
      const { store, outbox } = await open();
      await store.write({ events: [row('f1'), row('f2')], quarantined: [] });
      const options = { limit: 10, now: Date.now, deadLetterBefore: () => 0 };
      const retryAt = Date.now() + 60_000;
      const failed = await outbox.step('all', options, async () => ({ ok: false, error: 'HTTP 503', retryAt }));
      expect(failed).toMatchObject({ sent: 2, retried: 2, dueAt: retryAt });
      expect(await outbox.step('all', options, async () => ({ ok: true }))).toMatchObject({ sent: 0, dueAt: retryAt });
      await outbox.replayDeadLetters('all', Date.now());
      const later = { ...options, now: () => retryAt };
      expect(await outbox.step('all', later, async () => ({ ok: false, error: 'HTTP 400', retryAt, permanent: true }))).toMatchObject({ deadLettered: 2 });
      expect((await outbox.counts(['all'], retryAt))[0]).toMatchObject({ pending: 0, deadLettered: 2, failed: 4, lastError: 'HTTP 400' });
      expect(await outbox.replayDeadLetters('all', Date.now())).toBe(2);
      expect((await drain(outbox, 'all')).map((item) => item.messageId)).toEqual(['f1', 'f2']);
    });
  });
}

describeOutbox('SQLite outbox', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-outbox-'));
  const path = join(dir, 'cairn.db');
  const store = createSqliteStore({ path, derived: { destinations: RULES } });
  const outbox = createSqliteOutbox({ path });
  cleanups.push(async () => {
    await outbox.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, outbox };
});

describeOutbox(
  `PostgreSQL outbox${POSTGRES_SKIP_NOTE}`,
  async () => {
    const schema = await createTestSchema();
    const store = await createPostgresStore({ url: TEST_DATABASE_URL as string, schema: schema.name, derived: { destinations: RULES } });
    const outbox = createPostgresOutbox({ url: TEST_DATABASE_URL as string, schema: schema.name, connections: 2 });
    cleanups.push(async () => {
      await outbox.close();
      await store.close();
      await schema.drop();
    });
    return { store, outbox };
  },
  !TEST_DATABASE_URL,
);
