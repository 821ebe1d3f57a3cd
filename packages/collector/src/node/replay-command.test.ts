import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createRecordingLogger } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { REPLAY_HELP_TEXT, runReplayCommand } from './replay-command.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-replay-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const quarantined = (messageId: string, event: string) => ({
  source: 'default',
  messageId,
  receivedAt: '2024-06-01T12:00:10.000Z',
  code: 'plan_violation',
  reason: `event "${event}" is not in the tracking plan`,
  raw: JSON.stringify({ type: 'track', event, messageId, anonymousId: 'a1', timestamp: '2024-06-01T12:00:00Z' }),
});

describe('cairn-collector replay', () => {
  it('replays a SQLite quarantine through the fixed plan file and logs the counts', async () => {
    const db = join(dir, 'cairn.db');
    const store = createSqliteStore({ path: db });
    await store.write({ events: [], quarantined: [quarantined('q1', 'wishlist shared'), quarantined('q2', 'Gift Wrapped')] });
    await store.close();
    const fixed = shopPlan({ mode: 'quarantine' });
    fixed.events = { ...fixed.events, 'Wishlist Shared': {} };
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify(fixed));

    const { logger, records } = createRecordingLogger();
    const report = await runReplayCommand(['--db', db, '--tracking-plan', plan], {}, logger);
    expect(report).toEqual({ replayed: 1, duplicates: 0, stillFailing: 1 });
    expect(records).toEqual([{ level: 'info', msg: 'replay', fields: { replayed: 1, duplicates: 0, stillFailing: 1, source: null, trackingPlan: plan } }]);
    const reader = new Database(db, { readonly: true });
    try {
      expect(reader.prepare('SELECT message_id, event FROM events').all()).toEqual([{ message_id: 'q1', event: 'Wishlist Shared' }]);
      expect(reader.prepare('SELECT message_id FROM quarantine').all()).toEqual([{ message_id: 'q2' }]);
    } finally {
      reader.close();
    }
  });

  it('takes the plan and database from the environment', async () => {
    const db = join(dir, 'env.db');
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ events: { 'Gift Wrapped': {} }, mode: 'quarantine' }));
    const store = createSqliteStore({ path: db });
    await store.write({ events: [], quarantined: [quarantined('q2', 'Gift Wrapped')] });
    await store.close();
    const report = await runReplayCommand([], { CAIRN_DB: db, CAIRN_TRACKING_PLAN: plan }, createRecordingLogger().logger);
    expect(report).toEqual({ replayed: 1, duplicates: 0, stillFailing: 0 });
  });

  it('prints its help, and refuses unknown flags with invalid_argument', async () => {
    let printed = '';
    expect(await runReplayCommand(['--help'], {}, createRecordingLogger().logger, (text) => (printed += text))).toBeUndefined();
    expect(printed).toBe(REPLAY_HELP_TEXT);
    await expect(runReplayCommand(['--dbb', 'x'], {}, createRecordingLogger().logger)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining("'--dbb'"),
    });
  });
});
